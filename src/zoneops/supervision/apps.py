from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zoneops.supervision"
    label = "supervision"
    verbose_name = _("Three-list supervision")

    def ready(self) -> None:
        from zoneops.core.registry import add_audit_actions, add_dashboard_panel, add_nav

        from . import permissions as perm
        from .audit import SupervisionAction
        from .panels import dashboard_panel

        add_audit_actions(SupervisionAction)
        add_nav("supervision:item-list", _("Three lists"), perm.can_use, 25)
        add_nav("supervision:dashboard", _("Supervision dashboard"), perm.can_use, 26)
        add_dashboard_panel(dashboard_panel)
