from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "zoneops.voting"
    label = "voting"
    verbose_name = _("Public voting")

    def ready(self) -> None:
        from zoneops.core.registry import add_audit_actions, add_dashboard_panel, add_nav

        from . import checks, permissions  # noqa: F401 - checks registers the deploy check
        from .audit import VotingAction
        from .views import dashboard_panel

        add_audit_actions(VotingAction)

        add_nav("voting-campaign-list", _("Public voting"), permissions.can_view, 40)
        add_dashboard_panel(dashboard_panel)
