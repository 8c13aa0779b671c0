"""Who may use the indicator pages (built on core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm
from zoneops.core.models import Role

if TYPE_CHECKING:
    from zoneops.core.models import User

    from .models import Indicator


def can_check_claims(user: User) -> bool:
    """The claim checker is an internal drafting aid: committee staff, not enterprises."""
    return perm.is_internal(user)


def can_manage_catalogue(user: User) -> bool:
    """Indicators and their targets are set by the committee office (and administrators)."""
    return perm.role_of(user) in {Role.ADMIN, Role.OFFICE}


def can_view_indicators(user: User) -> bool:
    return perm.is_internal(user)


def can_record_values(user: User, indicator: Indicator) -> bool:
    """Only the office (and administrators) write values directly; the owner unit submits
    them for review (can_submit_values)."""
    return can_manage_catalogue(user)


def can_submit_values(user: User, indicator: Indicator) -> bool:
    """A unit's staff report (报送) the indicators their unit owns; the office reviews."""
    return (perm.role_of(user) == Role.UNIT_STAFF
            and indicator.owner_unit_id in perm.unit_scope_ids(user))


def can_review_submissions(user: User) -> bool:
    return can_manage_catalogue(user)
