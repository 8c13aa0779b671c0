"""Who sees and changes release points, suspects and odour reports.

Release points: read-all roles see all, unit staff those of the enterprises their units
supervise, an enterprise contact its own; administrators, the supervision office and the
enterprise's own contact edit them. Suspects name enterprises, so only internal people who
may see the alert see them (never an enterprise contact); dispatchers (administrator, office,
duty officer) ask for a trace and confirm or reject a suspect. The odour queue is read by the
read-all roles and reviewed by dispatchers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as core
from zoneops.core.models import Role
from zoneops.core.scope import ALL, Scope, Via

from .models import ReleasePoint

if TYPE_CHECKING:
    from zoneops.core.models import Alert, Enterprise, User

POINTS = Scope(
    ReleasePoint,
    view={core.READ_ALL: ALL, Role.UNIT_STAFF: Via(units=("enterprise__unit",)),
          Role.ENTERPRISE: Via(enterprises=("enterprise",))},
    change={frozenset({Role.ADMIN, Role.OFFICE}): ALL,
            Role.ENTERPRISE: Via(enterprises=("enterprise",))},
)


def can_add_point(user: User, enterprise: Enterprise) -> bool:
    role = core.role_of(user)
    if role in (Role.ADMIN, Role.OFFICE):
        return True
    return role == Role.ENTERPRISE and enterprise.pk == user.enterprise_id


def can_view_suspects(user: User, alert: Alert) -> bool:
    return core.is_internal(user) and core.ALERTS.allows(user, alert, "view")


def can_decide(user: User, alert: Alert) -> bool:
    return core.is_dispatcher(user) and core.ALERTS.allows(user, alert, "view")


def can_request_trace(user: User, alert: Alert) -> bool:
    return can_decide(user, alert)


def can_view_odour(user: User) -> bool:
    return core.reads_all(user)


def can_review_odour(user: User) -> bool:
    return core.is_dispatcher(user)
