"""Lists, items and their nodes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core.models import Unit, User
from zoneops.core.services.audit import record, save_audited

from .. import permissions as perm
from ..audit import SupervisionAction
from ..models import (
    Item,
    Node,
    SupervisionList,
)
from .base import require
from .lighting import recompute_light

# --- lists and items ----------------------------------------------------------------------------

@transaction.atomic
def create_list(actor: User, data: Mapping[str, Any]) -> SupervisionList:
    """A new list (office): name, kind, year, description, sort order."""
    require(perm.can_manage(actor), "manage supervision lists")
    return save_audited(actor, SupervisionList(), dict(data))


@transaction.atomic
def update_list(actor: User, supervision_list: SupervisionList,
                data: Mapping[str, Any]) -> SupervisionList:
    require(perm.can_manage(actor), "manage supervision lists")
    if supervision_list.pk is None:
        raise ValueError("update a saved list; create_list makes a new one")
    return save_audited(actor, supervision_list, dict(data))


ITEM_FIELDS = {"code", "domain", "title", "target", "leader_name", "lead_unit", "owner_name",
               "start_date", "deadline", "deadline_text", "status", "is_published",
               "supervision_list", "funds_used"}


def create_item(actor: User, data: Mapping[str, Any], *,
                co_units: list[Unit] | None = None,
                nodes: list[dict[str, Any]] | None = None, recompute: bool = True) -> Item:
    """A new item (office) with its cooperating units and nodes; its light computed unless
    `recompute` is False (a caller that recomputes once at the end)."""
    return _write_item(actor, data, Item(), co_units=co_units, nodes=nodes,
                       recompute=recompute)


def update_item(actor: User, item: Item, data: Mapping[str, Any], *,
                co_units: list[Unit] | None = None, recompute: bool = True) -> Item:
    """Change an item (office); `co_units`, when given, replace its cooperating units."""
    if item.pk is None:
        raise ValueError("update a saved item; create_item makes a new one")
    return _write_item(actor, data, item, co_units=co_units, recompute=recompute)


@transaction.atomic
def _write_item(actor: User, data: Mapping[str, Any], item: Item, *,
                co_units: list[Unit] | None, nodes: list[dict[str, Any]] | None = None,
                recompute: bool) -> Item:
    require(perm.can_manage(actor), "manage supervision items")
    unknown = set(data) - ITEM_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    creating = item.pk is None
    if creating and "lead_unit" not in data:
        raise ValidationError({"lead_unit": _("A lead unit is required.")})
    # Code uniqueness per list gets a message naming the field, not a database error.
    code, lst = data.get("code", item.code), data.get("supervision_list")
    lst_id = lst.pk if lst is not None else item.supervision_list_id
    if code and lst_id and Item.objects.filter(supervision_list_id=lst_id, code=code).exclude(
            pk=item.pk).exists():
        raise ValidationError({"code": _("Code %(code)s is already used in this list.")
                               % {"code": code}})
    item = save_audited(actor, item, dict(data))
    if co_units is not None:
        before = sorted(u.name for u in item.co_units.all()) if not creating else []
        item.co_units.set(co_units)
        after = sorted(u.name for u in co_units)
        if before != after:
            record(actor, SupervisionAction.SET_COOPERATING_UNITS, item, {"co_units": before},
                   {"co_units": after})
    for spec in nodes or []:
        add_node(actor, item, **spec)
    if recompute:
        recompute_light(item)
    return item


@transaction.atomic
def add_node(actor: User, item: Item, *, planned_date: date, deliverable: str,
             planned_text: str = "", actual_date: date | None = None,
             evidence: str = "") -> Node:
    require(perm.can_manage(actor), "add nodes")
    seq = (item.nodes.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return save_audited(actor, Node(item=item, seq=seq), {
        "planned_date": planned_date, "deliverable": deliverable, "planned_text": planned_text,
        "actual_date": actual_date, "evidence": evidence})


