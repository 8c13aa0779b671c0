"""Who may do what. Selectors and services ask here; views never decide on their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .models.people import Role

if TYPE_CHECKING:
    from .models import Alert, Enterprise, Unit, User

# Roles that read everything in the committee.
READ_ALL = {Role.ADMIN, Role.OFFICE, Role.LEADER, Role.DUTY_OFFICER}
# Roles that dispatch alerts: acknowledge any, assign, verify and close, reopen.
DISPATCHERS = {Role.ADMIN, Role.OFFICE, Role.DUTY_OFFICER}
INTERNAL = READ_ALL | {Role.UNIT_STAFF}


def role_of(user: User) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role


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


def unit_scope_ids(user: User) -> set[int]:
    """The units a member of staff acts for: their own and every unit below it."""
    from .selectors import descendant_unit_ids

    if role_of(user) != Role.UNIT_STAFF or user.unit_id is None:
        return set()
    return descendant_unit_ids(user.unit_id)


def can_manage_registry(user: User) -> bool:
    """Units, enterprises, places and people."""
    return is_admin(user)


def can_view_unit(user: User, unit: Unit) -> bool:
    return is_internal(user)


def can_view_enterprise(user: User, enterprise: Enterprise) -> bool:
    role = role_of(user)
    if role in READ_ALL:
        return True
    if role == Role.UNIT_STAFF:
        return enterprise.unit_id in unit_scope_ids(user)
    if role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    return False


def can_view_alert(user: User, alert: Alert) -> bool:
    role = role_of(user)
    if role in READ_ALL:
        return True
    if role == Role.UNIT_STAFF:
        scope = unit_scope_ids(user)
        return (alert.unit_id in scope or alert.assignee_unit_id in scope
                or alert.assignee_user_id == user.pk)
    if role == Role.ENTERPRISE:
        return alert.assignee_enterprise_id is not None and (
            alert.assignee_enterprise_id == user.enterprise_id)
    return False


def is_alert_assignee(user: User, alert: Alert) -> bool:
    role = role_of(user)
    if alert.assignee_user_id is not None and alert.assignee_user_id == user.pk:
        return True
    if role == Role.UNIT_STAFF and alert.assignee_unit_id in unit_scope_ids(user):
        return True
    if role == Role.ENTERPRISE and alert.assignee_enterprise_id is not None:
        return alert.assignee_enterprise_id == user.enterprise_id
    return False


def can_acknowledge_alert(user: User, alert: Alert) -> bool:
    if is_dispatcher(user):
        return True
    return role_of(user) == Role.UNIT_STAFF and can_view_alert(user, alert)


def can_assign_alert(user: User, alert: Alert) -> bool:
    return is_dispatcher(user)


def can_handle_alert(user: User, alert: Alert) -> bool:
    return is_admin(user) or is_alert_assignee(user, alert)


def can_close_alert(user: User, alert: Alert) -> bool:
    # Verification is by a dispatcher, not by whoever handled it.
    return is_dispatcher(user)
