from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "zoneops.environment"
    label = "environment"
    verbose_name = _("Environmental monitoring")
