from django import template

from reports.text import in_language

register = template.Library()


@register.filter
def lang_text(obj, name: str) -> str:
    """{{ indicator|lang_text:"quantitative" }}: the field in the page's language (reports.text.in_language)."""
    return in_language(obj, name)
