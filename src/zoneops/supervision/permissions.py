"""Who may do what on the three lists, built on core.permissions.

Unit staff act on the items their unit (or a unit below it) leads; cooperating units may add
input; leaders read everything and write instructions; the supervision office manages all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoneops.core import permissions as core
from zoneops.core.models import Role
from zoneops.core.scope import ALL, Scope, Via

from .models import Item, Report, SupervisionList

if TYPE_CHECKING:
    from zoneops.core.models import User

    from .models import Extension

MANAGERS = frozenset({Role.ADMIN, Role.OFFICE})

_LEADS = Via(units=("lead_unit",))
_LEADS_OR_COOPERATES = Via(units=("lead_unit", "co_units"))

LISTS = Scope(SupervisionList, view={core.INTERNAL: ALL})

ITEMS = Scope(
    Item,
    view={core.READ_ALL: ALL, Role.UNIT_STAFF: _LEADS_OR_COOPERATES},
    # Report progress, answer instructions, ask for more time: the lead unit.
    report={Role.ADMIN: ALL, Role.UNIT_STAFF: _LEADS},
    comment={MANAGERS: ALL, Role.UNIT_STAFF: _LEADS_OR_COOPERATES},
    review={MANAGERS: ALL},
    instruct={frozenset({Role.ADMIN, Role.LEADER}): ALL},
)

REPORTS = Scope(Report, review={MANAGERS: ALL})


def can_use(user: User) -> bool:
    """The module at all: every internal role."""
    return core.is_internal(user)


def reads_all(user: User) -> bool:
    return core.reads_all(user)


def can_manage(user: User) -> bool:
    """Lists, items, import, review, manual lights, export of everything."""
    return core.role_of(user) in MANAGERS


def can_report(user: User, item: Item) -> bool:
    return ITEMS.allows(user, item, "report")


def can_comment(user: User, item: Item) -> bool:
    return ITEMS.allows(user, item, "comment")


def can_review(user: User, item: Item) -> bool:
    return ITEMS.allows(user, item, "review")


def can_instruct(user: User, item: Item) -> bool:
    return ITEMS.allows(user, item, "instruct")


can_answer = can_request_extension = can_report


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
