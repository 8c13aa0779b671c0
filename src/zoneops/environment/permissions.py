"""Who may see and change stations and readings (built on core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm
from zoneops.core.models import Role
from zoneops.core.scope import ALL, Scope, Via

from .models import MaintenanceWindow, Station

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


# Who sets a station's maintenance windows: the dispatchers, and the staff of the unit
# responsible for the station (they send the technician).
MAINTENANCE = Scope(MaintenanceWindow, view={
    perm.READ_ALL: ALL,
    Role.UNIT_STAFF: Via(units=("station__unit",)),
    Role.ENTERPRISE: Via(enterprises=("station__enterprise",)),
}, change={
    perm.DISPATCHERS: ALL,
    Role.UNIT_STAFF: Via(units=("station__unit",)),
})


def can_set_maintenance(user: User, station: Station) -> bool:
    """The same rule as MAINTENANCE's "change", on the station (before a window exists)."""
    role = perm.role_of(user)
    if role in perm.DISPATCHERS:
        return True
    return (role == Role.UNIT_STAFF and station.unit_id is not None
            and station.unit_id in perm.unit_scope_ids(user))
