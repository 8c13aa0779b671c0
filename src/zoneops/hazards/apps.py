from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "zoneops.hazards"
    label = "hazards"
    verbose_name = _("Major hazards")

    # No menu entry yet: tests/browser pins every role's menu; the lead adds
    # add_nav("hazards-unit-list", ...) with that list when merging (/hazards/ works already).
