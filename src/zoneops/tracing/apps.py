from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "zoneops.tracing"
    label = "tracing"
    verbose_name = _("Source tracing")

    def ready(self) -> None:
        from zoneops.core.models.alerts import MODULE_LABELS
        from zoneops.core.registry import (
            add_audit_actions,
            add_dashboard_panel,
            add_nav,
            add_worker_job,
        )

        from . import permissions as perm
        from .audit import TracingAction
        from .jobs import run_due
        from .panels import dashboard_panel

        MODULE_LABELS.setdefault("tracing", _("Source tracing"))
        add_audit_actions(TracingAction)
        add_nav("tracing-odour-queue", _("Odour reports"), perm.can_view_odour, 36)
        add_dashboard_panel(dashboard_panel)
        add_worker_job(run_due)
