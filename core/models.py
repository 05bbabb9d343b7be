"""Models every app shares (core imports nothing of the project)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import insert_row

# The audit trail is refused in the database too, not only by the app (PostgreSQL; see append_only_triggers).
_REFUSAL = "RAISE EXCEPTION 'korpu: % is append-only (the audit trail cannot be changed)', TG_TABLE_NAME;"


def append_only_triggers() -> list:
    """PostgreSQL triggers (django-pgtrigger) that refuse UPDATE, DELETE and TRUNCATE on an append-only table,
    whoever connects. Put them in the Meta of every AppendOnlyModel subclass: `triggers = append_only_triggers()`.

    TRUNCATE is refused except where both hold: the database is a test database (its name starts with `test_`)
    and the session set `korpu.allow_truncate = on` (config/settings/test.py does, because the test runner
    empties its database between transactional tests with TRUNCATE). A production database never meets the first
    condition. pgtrigger's own Protect cannot guard TRUNCATE (a statement-level trigger with no rows), hence the
    plain Trigger. On SQLite (the demo) pgtrigger installs nothing: there AppendOnlyModel's save/delete and its
    queryset refuse, and the admin is read-only."""
    return [
        pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        pgtrigger.Trigger(
            name="append_only_truncate",
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            operation=pgtrigger.Truncate,
            condition=pgtrigger.Condition(
                "(current_database() NOT LIKE 'test\\_%' OR current_setting('korpu.allow_truncate', true) "
                "IS DISTINCT FROM 'on')"
            ),
            func=_REFUSAL + " RETURN NULL;",
        ),
    ]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")

    def delete(self):
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")


class AppendOnlyModel(models.Model):
    """Rows written once and never changed or deleted: the audit trail and the versions of an agreement's terms.
    The app refuses here (save, delete, the queryset) and the admin shows them read-only; on PostgreSQL the
    database refuses too (append_only_triggers, which each subclass lists in its Meta)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")
        # A new line (`objects.create()` says force_insert and its database), as save() writes it with its
        # signals, through its kept statement (core.db); anything else save() is asked to do, by save().
        meta = self._meta
        if (
            args
            or set(kwargs) - {"force_insert", "using"}
            or meta.parents
            or any(field is not meta.pk for field in meta.db_returning_fields)  # a column the database fills
        ):
            super().save(*args, **kwargs)
        else:
            insert_row(self, using=kwargs.get("using"))

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")


class IdempotencyRecord(models.Model):
    """The first answer to a state-changing API request sent with an Idempotency-Key, stored in the same
    transaction as the change it reports, so a retry of a request that committed gets that answer again
    instead of a 409. A row exists only once the request succeeded: a failed request leaves none."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    # SHA-256 of the method, the path and the body: the same key with another request is refused (422).
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="core_idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class CaseEventBase(AppendOnlyModel):
    """One line of a case's timeline, whatever the kind of case: who did what, when, at which step, with which
    comment and data. A kind's event model adds its link to the case, its `action` choices and its statuses."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    step = models.CharField(_("step"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]
