"""People and the departments cases belong to."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


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


class ApiToken(AbstractAuthToken):
    """An API token: django-rest-knox's (settings.KNOX_TOKEN_MODEL), which stores only a SHA-512 digest of the
    key and its first characters to find it by, with the name of the client it was made for and when it was last
    used. One per client or device; revoking is deleting the row."""

    # knox keys its own table by the digest; a plain id is what lists, URLs and the admin show instead.
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    client = models.CharField(_("client"), max_length=100, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.client or _('API token')} ({self.user}, {self.digest[:8]}…)"


class AccessRefusal(models.Model):
    """A request answered 403, page or API: who (if signed in), from where, what, when and why."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: the row outlives a deleted user.
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("refused access")
        verbose_name_plural = _("refused accesses")

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.username or '-'}, {self.at:%Y-%m-%d %H:%M})"
