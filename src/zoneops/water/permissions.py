"""Who may see the chain's points and who may change them (built on core.permissions and
core.scope): the roles that read everything see every point; a unit's staff the points of
their unit (and the units below it); an enterprise contact its own enterprise's points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm
from zoneops.core.models import Role
from zoneops.core.scope import ALL, Scope, Via

from .models import WaterPoint

if TYPE_CHECKING:
    from zoneops.core.models import User

POINTS = Scope(WaterPoint, view={
    perm.READ_ALL: ALL,
    Role.UNIT_STAFF: Via(units=("unit",)),
    Role.ENTERPRISE: Via(enterprises=("enterprise",)),
})


def can_use(user: User) -> bool:
    """The chain pages: anyone signed in (each sees the points in their scope)."""
    return perm.role_of(user) is not None


def can_manage_chain(user: User) -> bool:
    return perm.is_admin(user)
