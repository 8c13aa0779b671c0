"""Who may see and change stations and readings (built on core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm
from zoneops.core.models import Role

if TYPE_CHECKING:
    from zoneops.core.models import User

    from .models import Station


def can_view_station(user: User, station: Station) -> bool:
    role = perm.role_of(user)
    if role in perm.READ_ALL:
        return True
    if role == Role.UNIT_STAFF:
        return station.unit_id in perm.unit_scope_ids(user)
    if role == Role.ENTERPRISE:
        return station.enterprise_id is not None and station.enterprise_id == user.enterprise_id
    return False


def can_watch(user: User) -> bool:
    """The live watch and the station list: anyone with stations to see."""
    return perm.role_of(user) is not None


def can_manage_stations(user: User) -> bool:
    return perm.is_admin(user)
