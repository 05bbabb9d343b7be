from django.conf import settings
from django.db import models
from django.urls import reverse
from viewflow.workflow.models import Process

from core.models import AppendOnlyModel


class DocumentRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        COORDINATOR_REVIEW = "coordinator_review"
        HEAD_REVIEW = "head_review"
        CHANGES_REQUESTED = "changes_requested"
        APPROVED = "approved"
        REJECTED = "rejected"

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    def __str__(self) -> str:
        return f"Document request #{self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:index")


class DocumentRequestEvent(AppendOnlyModel):
    request = models.ForeignKey(DocumentRequest, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=30)
    step = models.CharField(max_length=30, blank=True)
    comment = models.TextField(blank=True)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class DocumentRequestProcess(Process):
    request = models.OneToOneField(DocumentRequest, on_delete=models.PROTECT, related_name="process")
    last_decision = models.CharField(max_length=20, blank=True)
