"""Who may see and change the major-hazard registry, in the core permission style: read-all
roles see every unit, unit staff the units of the enterprises they supervise, an enterprise
contact their own enterprise's units; administrators and the enterprise's own contact edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as core
from zoneops.core.models import Role

if TYPE_CHECKING:
    from zoneops.core.models import Enterprise, User

    from .models import HazardUnit


def can_view_enterprise_units(user: User, enterprise: Enterprise) -> bool:
    return core.can_view_enterprise(user, enterprise)


def can_view_unit(user: User, unit: HazardUnit) -> bool:
    return core.can_view_enterprise(user, unit.enterprise)


def can_edit_enterprise_units(user: User, enterprise: Enterprise) -> bool:
    role = core.role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.ENTERPRISE and enterprise.pk == user.enterprise_id


def can_edit_unit(user: User, unit: HazardUnit) -> bool:
    return can_edit_enterprise_units(user, unit.enterprise)


def can_manage_chemicals(user: User) -> bool:
    """The chemical catalogue is shared by every enterprise: a change re-grades their units."""
    return core.is_admin(user)


PARK_ROLES = ("zone_leader", "department", "expert")


def can_edit_responsible(user: User, unit: HazardUnit, role: str) -> bool:
    """The enterprise names its own three people; the park's (leader, department, expert) are
    named by an administrator."""
    if role in PARK_ROLES:
        return core.is_admin(user)
    return can_edit_unit(user, unit)


def can_record_duty(user: User, responsible) -> bool:
    """The person themself (their platform account), the enterprise's contact, an admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if responsible.user_id is not None and responsible.user_id == user.pk:
        return True
    return can_edit_unit(user, responsible.unit)


def can_command(user: User) -> bool:
    """Who runs an incident: the alert loop's dispatchers (admin, office, duty officer)."""
    return core.role_of(user) in core.DISPATCHERS


def can_view_incident(user: User, incident) -> bool:
    return can_view_unit(user, incident.unit)


def can_finish_task(user: User, task) -> bool:
    """The assigned unit's staff mark a task done; the command may too."""
    if can_command(user):
        return True
    return core.role_of(user) == Role.UNIT_STAFF and user.unit_id == task.assignee_unit_id
