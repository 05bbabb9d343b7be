"""People and the departments cases belong to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using Körpü. Roles are groups (see accounts.roles); departments scope what
    coordinators and heads may act on, and which department a student's application belongs to."""

    class Language(models.TextChoices):
        AZERBAIJANI = "az", _("Azerbaijani")
        ENGLISH = "en", _("English")

    departments = models.ManyToManyField(Department, verbose_name=_("departments"), related_name="members", blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
