"""Model building blocks shared by the apps."""

import pgtrigger
from django.db import models

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
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")
