from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "zoneops.indicators"
    label = "indicators"
    verbose_name = _("Zone indicators")

    def ready(self) -> None:
        from zoneops.core.registry import add_audit_actions, add_nav

        from . import permissions
        from .audit import IndicatorAction

        add_audit_actions(IndicatorAction)

        add_nav("indicators-claims", _("Claim check"), permissions.can_check_claims, 60)
