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


class UserSession(models.Model):
    """A browser session a user signed in with (Django's session store holds the session itself): listed on the
    profile page, where the user ends one. Written at login, removed at logout or revocation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # How the user signed in: "password", "oidc" or "saml".
    method = models.CharField(_("sign-in method"), max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M}, {self.ip_address or '-'})"


class Deputyship(models.Model):
    """An approver's deputy for a date range (both days included): while it runs the deputy acts on the absent
    approver's tasks with the absent approver's role and departments (workflows.permissions). Never deleted:
    ending one early sets `cancelled_at`, so who stood in for whom stays on record."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent approver"),
        on_delete=models.CASCADE,
        related_name="deputyships",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="deputising"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("named on"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("ended early on"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The absent approver's summary of what the deputy decided, sent once the range is over.
    summary_sent_at = models.DateTimeField(_("summary sent"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="deputyship_dates"),
            models.CheckConstraint(condition=~models.Q(deputy=models.F("principal")), name="deputyship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} → {self.principal} ({self.starts_on}–{self.ends_on})"


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
