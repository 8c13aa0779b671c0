"""Who may change the chain (built on core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm

if TYPE_CHECKING:
    from zoneops.core.models import User


def can_manage_chain(user: User) -> bool:
    return perm.is_admin(user)
