from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "zoneops.hazards"
    label = "hazards"
    verbose_name = _("Major hazards")

    def ready(self) -> None:
        from zoneops.core import permissions as core
        from zoneops.core.registry import add_nav

        add_nav(
            "hazards-unit-list", _("Major hazards"), lambda user: core.role_of(user) is not None, 45
        )
