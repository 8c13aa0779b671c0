"""Who may do what. Selectors and services ask here; views never decide on their own.

Row-level rules are declared once per model as a `Scope` (see core/scope.py): the same table
gives the queryset (`ALERTS.restrict(user)`) and the object check (`ALERTS.allows(user, a)`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .models import Alert, Enterprise, Unit
from .models.people import Role
from .scope import ALL, Scope, Via, descendant_unit_ids, role_of, roles, unit_scope_ids

if TYPE_CHECKING:
    from .models import User

__all__ = ["ALERTS", "DISPATCHERS", "ENTERPRISES", "INTERNAL", "READ_ALL", "UNITS",
           "descendant_unit_ids", "role_of", "unit_scope_ids"]

# Roles that read everything in the committee.
READ_ALL = frozenset({Role.ADMIN, Role.OFFICE, Role.LEADER, Role.DUTY_OFFICER})
# Roles that dispatch alerts: acknowledge any, assign, verify and close, reopen.
DISPATCHERS = frozenset({Role.ADMIN, Role.OFFICE, Role.DUTY_OFFICER})
INTERNAL = READ_ALL | {Role.UNIT_STAFF}

UNITS = Scope(Unit, view={INTERNAL: ALL})

ENTERPRISES = Scope(Enterprise, view={
    READ_ALL: ALL,
    Role.UNIT_STAFF: Via(units=("unit",)),
    Role.ENTERPRISE: Via(enterprises=("pk",)),
})

_ALERT_OF_MY_UNITS = Via(units=("unit", "assignee_unit"), users=("assignee_user",))
ALERTS = Scope(
    Alert,
    view={READ_ALL: ALL, Role.UNIT_STAFF: _ALERT_OF_MY_UNITS,
          # An enterprise contact sees what is assigned to the enterprise and every alert about
          # it (an alarm at its own station, an incident that reached it), not only when assigned.
          Role.ENTERPRISE: Via(enterprises=("assignee_enterprise", "enterprise",
                                            "concerned_enterprises"))},
    acknowledge={DISPATCHERS: ALL, Role.UNIT_STAFF: _ALERT_OF_MY_UNITS},
    assign={DISPATCHERS: ALL},
    # The assignee handles it (the administrator may stand in for anyone).
    handle={Role.ADMIN: ALL,
            Role.UNIT_STAFF: Via(units=("assignee_unit",), users=("assignee_user",)),
            Role.ENTERPRISE: Via(enterprises=("assignee_enterprise",),
                                 users=("assignee_user",)),
            roles(DISPATCHERS, {Role.LEADER}) - {Role.ADMIN}: Via(users=("assignee_user",))},
    close={DISPATCHERS: ALL},
    reopen={DISPATCHERS: ALL},
)


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message or "not allowed")


def is_admin(user: User) -> bool:
    return role_of(user) == Role.ADMIN


def is_internal(user: User) -> bool:
    return role_of(user) in INTERNAL


def reads_all(user: User) -> bool:
    return role_of(user) in READ_ALL


def is_dispatcher(user: User) -> bool:
    return role_of(user) in DISPATCHERS


def can_manage_registry(user: User) -> bool:
    """Units, enterprises, places and people."""
    return is_admin(user)


def can_view_enterprise(user: User, enterprise: Enterprise) -> bool:
    return ENTERPRISES.allows(user, enterprise)


def can_acknowledge_alert(user: User, alert: Alert) -> bool:
    return ALERTS.allows(user, alert, "acknowledge")


def can_assign_alert(user: User, alert: Alert) -> bool:
    return ALERTS.allows(user, alert, "assign")


def can_handle_alert(user: User, alert: Alert) -> bool:
    return ALERTS.allows(user, alert, "handle")


def can_close_alert(user: User, alert: Alert) -> bool:
    """Verification is by a dispatcher, never by whoever handled it."""
    return ALERTS.allows(user, alert, "close") and (
        alert.handled_by_id is None or alert.handled_by_id != user.pk)


def can_reopen_alert(user: User, alert: Alert) -> bool:
    return ALERTS.allows(user, alert, "reopen")
