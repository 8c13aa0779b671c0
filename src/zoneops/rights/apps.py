from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "zoneops.rights"
    label = "rights"
    verbose_name = _("Emission rights")

    def ready(self) -> None:
        from zoneops.core.permissions import role_of
        from zoneops.core.registry import add_audit_actions, add_nav, add_worker_job

        from .audit import RightsAction
        from .discharge import check_job
        from .services import settle_due

        add_audit_actions(RightsAction)
        add_worker_job(settle_due)  # lots closed by now: sold through the ledger
        add_worker_job(check_job)  # measured discharge against holdings, hourly

        # Every signed-in role: an enterprise contact sees only its own accounts there.
        add_nav("rights-holdings", _("Emission rights"), lambda u: role_of(u) is not None, 45)
