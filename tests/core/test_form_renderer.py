"""core.forms.FormRenderer writes a select exactly as Django's own templates do, without a template per option."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

from core.forms import FormRenderer, select_html


class Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "All"), (1, 'Uni <"Bologna"> & Co'), (2, gettext_lazy("Newest"))],
        help_text="Help",
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("Europe", [("it", "Italy"), ("de", "Germany")]), ("Asia", [("az", "Azərbaycan")]), ("x", "Other")]
    )
    many = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two"), (3, "three")], widget=forms.SelectMultiple)
    flags = forms.ChoiceField(choices=[(True, "Yes"), (False, "No")], widget=forms.Select(attrs={"disabled": True}))


def test_every_select_is_written_as_djangos_templates_write_it():
    data = {"plain": "1", "grouped": "az", "many": ["1", "3"], "flags": "False"}
    for values in (data, None, {"plain": "<script>", "grouped": '"'}):
        ours, theirs = Choices(values), Choices(values, renderer=DjangoTemplates())
        ours.is_valid(), theirs.is_valid()
        for name in ours.fields:
            assert "<option" in ours[name].as_widget()
            assert ours[name].as_widget() == theirs[name].as_widget(), name


def test_the_site_renders_selects_with_it_and_escapes_what_it_writes():
    form = Choices({"plain": "1"})
    assert isinstance(form.renderer, FormRenderer)
    html = str(form["plain"])
    assert '<option value="1" selected>Uni &lt;&quot;Bologna&quot;&gt; &amp; Co</option>' in html
    assert 'aria-describedby="id_plain_helptext"' in html


def test_an_option_of_another_template_or_a_label_not_text_is_left_to_the_templates():
    class Other(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = Other(choices=[("a", "A")]).get_context("x", "a", {})["widget"]
    assert select_html(widget) is None
    numbers = forms.Select(choices=[(1, 1000)]).get_context("x", 1, {})["widget"]
    assert select_html(numbers) is None
    assert 'value="1"' in forms.Select(choices=[(1, 1000)]).render("x", 1)
