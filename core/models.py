"""Models every app shares (core imports nothing of the project)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
