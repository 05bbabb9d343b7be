"""The partner registry: the institutions the office works with, their organisational units and contacts.
Agreements and calls refer to these rows; nothing here knows about them.

The tables keep the names they had when the registry lived in `agreements/` (`db_table`), so moving the
models to this app renamed no table and lost no row (see migrations/0001_initial.py)."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Erasmus institutional codes look like "D  BERLIN01", "F  PARIS001", "TR ANKARA01".
erasmus_code_validator = RegexValidator(
    r"^[A-Z]{1,3} {0,2}[A-Z\-]{2,12}[0-9]{2,3}$",
    _("Enter an Erasmus code such as “D  BERLIN01”."),
)
# SCHAC home organisation: a lower-case DNS name, e.g. "uni-example.edu".
schac_code_validator = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a SCHAC code such as “uni-example.edu”."),
)
country_code_validator = RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter ISO country code such as “DE”."))


class PartnerInstitution(models.Model):
    name = models.CharField(_("name (English)"), max_length=255)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=255, blank=True)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"), validators=[country_code_validator]
    )
    city = models.CharField(_("city"), max_length=120)
    erasmus_code = models.CharField(
        _("Erasmus code"), max_length=20, blank=True, null=True, unique=True, validators=[erasmus_code_validator]
    )
    schac_code = models.CharField(
        _("SCHAC code"), max_length=253, blank=True, null=True, unique=True, validators=[schac_code_validator]
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        db_table = "agreements_partnerinstitution"
        ordering = ["name"]
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.country})"

    def get_absolute_url(self) -> str:
        # The partner's page lists its agreements, so it lives under /agreements/partners/ (agreements/urls.py).
        return reverse("agreements:partner", args=[self.pk])


class OrganisationalUnit(models.Model):
    partner = models.ForeignKey(PartnerInstitution, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        db_table = "agreements_organisationalunit"
        ordering = ["partner", "name"]
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        constraints = [models.UniqueConstraint(fields=["partner", "name"], name="unit_unique_name_per_partner")]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(PartnerInstitution, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        db_table = "agreements_partnercontact"
        ordering = ["partner", "name"]
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name
