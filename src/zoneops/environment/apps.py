from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "zoneops.environment"
    label = "environment"
    verbose_name = _("Environmental monitoring")

    def ready(self) -> None:
        from zoneops.core.registry import (
            add_alert_panel,
            add_audit_actions,
            add_dashboard_panel,
            add_nav,
        )

        from . import permissions, views
        from .audit import EnvironmentAction

        add_audit_actions(EnvironmentAction)
        add_nav("environment-watch", _("Air watch"), permissions.can_watch, 30)
        add_dashboard_panel(views.dashboard_panel)
        add_alert_panel(views.alert_panel)
