from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The period report's approval is a kind of case: its flow registers it with the kernel, its web layer
        # registers its task page and API bodies.
        from reports import flows  # noqa: F401
        from reports.web import register_report_web

        register_report_web()
