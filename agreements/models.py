"""Partner institutions (the agreement lifecycle itself comes with its own issue)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Erasmus institutional codes look like "D  BERLIN01", "F  PARIS001", "TR ANKARA01".
erasmus_code_validator = RegexValidator(
    r"^[A-Z]{1,3} {0,2}[A-Z\-]{2,12}[0-9]{2,3}$",
    _("Enter an Erasmus code such as “D  BERLIN01”."),
)


class PartnerInstitution(models.Model):
    name = models.CharField(_("name"), max_length=255)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    city = models.CharField(_("city"), max_length=120)
    erasmus_code = models.CharField(
        _("Erasmus code"),
        max_length=20,
        blank=True,
        null=True,
        unique=True,
        validators=[erasmus_code_validator],
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.country})"
