from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaterConfig(AppConfig):
    name = "zoneops.water"
    label = "water"
    verbose_name = _("Wastewater chain")

    def ready(self) -> None:
        from zoneops.core.registry import add_nav

        from . import permissions

        add_nav("water-chain", _("Wastewater chain"), permissions.can_use, 32)
