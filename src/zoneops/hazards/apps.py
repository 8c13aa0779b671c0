from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "zoneops.hazards"
    label = "hazards"
    verbose_name = _("Major hazards")

    def ready(self) -> None:
        from zoneops.core.models.alerts import MODULE_LABELS
        from zoneops.core.permissions import role_of
        from zoneops.core.registry import add_nav, add_worker_job

        from .emergency import redraw_on_wind_change

        # Every signed-in role: an enterprise contact sees only its own units there.
        MODULE_LABELS.setdefault("hazards", _("Major hazards"))  # missed 包保 duties
        add_nav("hazards-unit-list", _("Major hazards"), lambda u: role_of(u) is not None, 35)
        add_worker_job(redraw_on_wind_change)  # zones follow the mast's wind
