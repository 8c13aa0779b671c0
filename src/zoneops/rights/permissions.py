"""Who may touch the emission-rights ledger: the office and administrators write; internal
roles read every account; an enterprise contact reads only its own enterprise's accounts."""

from __future__ import annotations

from zoneops.core import permissions as perm
from zoneops.core.models import Role, User

from .models import Account

WRITERS = {Role.ADMIN, Role.OFFICE}


def can_write_ledger(user: User) -> bool:
    return perm.role_of(user) in WRITERS


def can_view_account(user: User, account: Account) -> bool:
    if perm.is_internal(user):
        return True
    if perm.role_of(user) == Role.ENTERPRISE:
        return account.enterprise_id is not None and account.enterprise_id == user.enterprise_id
    return False
