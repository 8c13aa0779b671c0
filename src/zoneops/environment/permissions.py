"""Who may see and change stations and readings (built on core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm
from zoneops.core.models import Role
from zoneops.core.scope import ALL, Scope, Via

from .models import Station

if TYPE_CHECKING:
    from zoneops.core.models import User

STATIONS = Scope(Station, view={
    perm.READ_ALL: ALL,
    Role.UNIT_STAFF: Via(units=("unit",)),
    Role.ENTERPRISE: Via(enterprises=("enterprise",)),
})


def can_watch(user: User) -> bool:
    """The live watch and the station list: anyone with stations to see."""
    return perm.role_of(user) is not None


def can_manage_stations(user: User) -> bool:
    return perm.is_admin(user)
