from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaterConfig(AppConfig):
    name = "zoneops.water"
    label = "water"
    verbose_name = _("Wastewater chain")
