"""viewflow's process and task rows in the admin, read-only: they change only as the flows move, and together
with the case events they are the record of who decided what."""

from django.contrib import admin
from viewflow.workflow.admin import ProcessAdmin, TaskAdmin, TaskInline
from viewflow.workflow.models import Process, Task


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTaskInline(ReadOnlyMixin, TaskInline):
    pass


class ReadOnlyProcessAdmin(ReadOnlyMixin, ProcessAdmin):
    inlines = [ReadOnlyTaskInline]


class ReadOnlyTaskAdmin(ReadOnlyMixin, TaskAdmin):
    pass


for model, model_admin in ((Process, ReadOnlyProcessAdmin), (Task, ReadOnlyTaskAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
