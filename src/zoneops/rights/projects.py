""""No rights, no project": a new project's EIA quantity per pollutant against what its
enterprise holds and what the reserve could still sell it. A reserve account's balance is not
what limits a sale (the ledger lets it run below zero); the total cap is: the reserve can sell
the cap less the most enterprises hold on any day of a five-year sale starting on the date,
exactly what the sale service would accept. The verdict is pure arithmetic (`Need`); `check`
reads the ledger on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from zoneops.core import permissions as perm
from zoneops.core.models import Role, User

from . import selectors
from .models import Account, Cap, default_valid_to
from .models_eia import EiaProject

ORDER = {"ok": 0, "buy": 1, "insufficient": 2}


@dataclass(frozen=True)
class Need:
    pollutant: str
    required: Decimal   # t/a the EIA requires (the plant's total after the project)
    held: Decimal       # t/a the enterprise holds
    reserve: Decimal    # t/a the reserve could still sell within the cap

    @property
    def short(self) -> Decimal:
        """What the enterprise must buy."""
        return max(self.required - self.held, Decimal(0))

    @property
    def verdict(self) -> str:
        """"ok" (held), "buy" (the reserves can sell the shortfall) or "insufficient"
        (it cannot: the project cannot proceed)."""
        if self.short == 0:
            return "ok"
        return "buy" if self.short <= self.reserve else "insufficient"


@dataclass(frozen=True)
class ProjectCheck:
    project: EiaProject
    needs: tuple[Need, ...]

    @property
    def verdict(self) -> str:
        return max((n.verdict for n in self.needs), key=ORDER.__getitem__, default="ok")


def check(project: EiaProject, on: dt.date) -> ProjectCheck:
    requirements = list(project.requirements.all())
    pollutants = [r.pollutant for r in requirements]
    held = {a.pollutant: selectors.balance(a, on) for a in Account.objects.filter(
        pollutant__in=pollutants, enterprise_id=project.enterprise_id)}
    caps = dict(Cap.objects.filter(pollutant__in=pollutants).values_list("pollutant",
                                                                         "quantity"))
    reserve = {p: max(cap - selectors.highest_enterprise_total(p, on, default_valid_to(on)),
                      Decimal(0)) for p, cap in caps.items()}
    return ProjectCheck(project, tuple(
        Need(r.pollutant, r.quantity, held.get(r.pollutant, Decimal(0)),
             reserve.get(r.pollutant, Decimal(0))) for r in requirements))


def projects_for(user: User):
    """The projects a user may read: all for internal roles, its own for an enterprise."""
    rows = EiaProject.objects.select_related("enterprise").prefetch_related("requirements")
    if perm.is_internal(user):
        return rows
    if perm.role_of(user) == Role.ENTERPRISE and user.enterprise_id is not None:
        return rows.filter(enterprise_id=user.enterprise_id)
    return rows.none()
