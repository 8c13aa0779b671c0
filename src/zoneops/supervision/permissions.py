"""Who may do what on the three lists, built on core.permissions.

Unit staff act on the items their unit (or a unit below it) leads; cooperating units may add
input; leaders read everything and write instructions; the supervision office manages all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as core
from zoneops.core.models import Role

if TYPE_CHECKING:
    from zoneops.core.models import User

    from .models import Extension, Item

MANAGERS = {Role.ADMIN, Role.OFFICE}


def can_use(user: User) -> bool:
    """The module at all: every internal role."""
    return core.is_internal(user)


def reads_all(user: User) -> bool:
    return core.reads_all(user)


def can_manage(user: User) -> bool:
    """Lists, items, import, review, manual lights, export of everything."""
    return core.role_of(user) in MANAGERS


def _scope(user: User) -> set[int]:
    return core.unit_scope_ids(user)


def leads(user: User, item: Item) -> bool:
    return core.role_of(user) == Role.UNIT_STAFF and item.lead_unit_id in _scope(user)


def cooperates(user: User, item: Item) -> bool:
    if core.role_of(user) != Role.UNIT_STAFF:
        return False
    scope = _scope(user)
    return any(unit.pk in scope for unit in item.co_units.all())


def can_view_item(user: User, item: Item) -> bool:
    return reads_all(user) or leads(user, item) or cooperates(user, item)


def can_report(user: User, item: Item) -> bool:
    return core.is_admin(user) or leads(user, item)


def can_comment(user: User, item: Item) -> bool:
    return can_manage(user) or leads(user, item) or cooperates(user, item)


def can_review(user: User, item: Item) -> bool:
    return can_manage(user)


def can_instruct(user: User, item: Item) -> bool:
    return core.role_of(user) in {Role.ADMIN, Role.LEADER}


def can_answer(user: User, item: Item) -> bool:
    return core.is_admin(user) or leads(user, item)


def can_request_extension(user: User, item: Item) -> bool:
    return core.is_admin(user) or leads(user, item)


def can_decide_extension(user: User, extension: Extension) -> bool:
    """Each step of the chain has its own approver; the administrator may act on any."""
    role = core.role_of(user)
    if role == Role.ADMIN:
        return True
    if extension.step == "unit_leader":
        return user.pk == extension.node.item.lead_unit.leader_id
    if extension.step == "office":
        return role == Role.OFFICE
    if extension.step == "leader":
        return role == Role.LEADER
    return False
