"""Who may use the indicator pages (built on core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as perm

if TYPE_CHECKING:
    from zoneops.core.models import User


def can_check_claims(user: User) -> bool:
    """The claim checker is an internal drafting aid: committee staff, not enterprises."""
    return perm.is_internal(user)
