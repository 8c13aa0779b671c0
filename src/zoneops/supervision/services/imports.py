"""Committing a validated import plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from zoneops.core.bulk import insert_all
from zoneops.core.models import Alert, Role, Unit, User
from zoneops.core.services import alerts as core_alerts
from zoneops.core.services.audit import entry, record, record_all
from zoneops.core.services.notify import notify
from zoneops.core.services.org import create_unit

from .. import lights
from .. import permissions as perm
from ..audit import SupervisionAction
from ..codes import natural_key, sort_code
from ..models import (
    Item,
    LightRecord,
    Node,
    SupervisionList,
)
from . import base
from .base import ALERT_MODULE, light_config, require, told
from .items import create_list
from .lighting import describe, red_light_texts

# --- import -------------------------------------------------------------------------------------

def _imported(item: Item, p: Any) -> dict[str, Any]:
    """An imported item as its audit entry keeps it (plain values, no snapshot walk)."""
    return {"code": item.code, "title": item.title, "domain": item.domain,
            "target": item.target, "leader_name": item.leader_name, "lead_unit": p.lead_unit,
            "co_units": p.co_units, "owner_name": item.owner_name,
            "start_date": p.start_date.isoformat() if p.start_date else None,
            "deadline": p.deadline.isoformat() if p.deadline else None,
            "deadline_text": item.deadline_text, "light": item.light,
            "row": f"{p.sheet}!{p.row}",
            "nodes": [{"planned_date": n.planned_date.isoformat(),
                       "deliverable": n.deliverable, "as_written": n.text} for n in p.nodes]}


def _tell_red(lst: SupervisionList, red: list[Item]) -> None:
    """One notice per person for the whole import: the duty officers and the office hear how
    many items came in red (with the first codes), each lead unit's staff (and its channels)
    how many of theirs."""
    if not red:
        return
    link = f"{reverse('supervision:item-list')}?list={lst.pk}&light={lights.RED}"
    codes = sorted((i.code for i in red), key=natural_key)
    sample = "、".join(codes[:10]) + ("……" if len(codes) > 10 else "")
    notify(**told(N_("Import %(list)s: %(n)s items red"), list=lst.name, n=len(red)),
           body=sample, link=link,
           users=User.objects.filter(is_active=True, role__in=core_alerts.DISPATCH_ROLES))
    by_unit: dict[int, list[Item]] = {}
    for i in red:
        by_unit.setdefault(i.lead_unit_id, []).append(i)
    for unit_id, mine in by_unit.items():
        unit = mine[0].lead_unit
        codes = sorted((i.code for i in mine), key=natural_key)
        notify(**told(N_("Import %(list)s: %(n)s of your unit's items red"), list=lst.name,
                      n=len(mine)),
               body="、".join(codes[:10]) + ("……" if len(codes) > 10 else ""),
               link=f"{link}&unit={unit_id}",
               users=User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit_id=unit_id),
               units=[unit])


def _free_unit_code(used: set[str]) -> str:
    n = 1
    while f"S{n:03d}" in used:
        n += 1
    used.add(f"S{n:03d}")
    return f"S{n:03d}"


@transaction.atomic
def import_items(actor: User, plan: Any) -> SupervisionList:
    """Commit a validated import plan (importer.ImportPlan) in one transaction.

    Items, nodes, lights and audit entries are written in bulk (10,000 rows in seconds);
    each item still gets its own audit entry with everything imported, and its light from
    the engine; red items raise their alerts in one batch and people are told once."""

    require(perm.can_manage(actor), "import lists")
    if plan.problems:
        raise ValidationError(_("The spreadsheet has problems; nothing was imported."))
    lst = SupervisionList.objects.filter(name=plan.list_name, year=plan.year).first()
    if lst is None:
        from ..importer import kind_for
        lst = create_list(actor, {"name": plan.list_name, "year": plan.year,
                                  "kind": kind_for(plan.list_name)})
    units = {u.name: u for u in Unit.objects.all()}
    used = set(Unit.objects.values_list("code", flat=True))
    for name in plan.units_to_create:
        units[name] = create_unit(actor, {"code": _free_unit_code(used), "name": name[:100]})
    on = base.today()
    config = light_config()
    items: list[Item] = []
    now = timezone.now()
    for p in plan.items:
        facts = [lights.NodeFact(i, n.planned_date) for i, n in enumerate(p.nodes, start=1)]
        result = lights.evaluate(on, facts, config=config)
        items.append(Item(
            supervision_list=lst, code=p.code, sort_code=sort_code(p.code), domain=p.domain,
            title=p.title, target=p.target,
            leader_name=p.leader_name, lead_unit=units[p.lead_unit], owner_name=p.owner_name,
            start_date=p.start_date, deadline=p.deadline, deadline_text=p.deadline_text[:100],
            light=result.light, light_rule=result.rule, light_reason=result.reason,
            light_inputs={**result.inputs, "params": result.params},
            bucket=lights.bucket(on, facts), created_at=now, updated_at=now))
    # COPY on PostgreSQL (core.bulk): one statement per table whatever the number of rows.
    # PostgreSQL reserves the ids; elsewhere they are read back by code (unique in a list).
    insert_all(Item, items, ids=connection.vendor == "postgresql")
    if any(i.pk is None for i in items):
        by_code = dict(lst.items.values_list("code", "pk"))
        for i in items:
            i.pk = by_code[i.code]
            i._state.adding, i._state.db = False, connection.alias
    through = Item.co_units.through
    insert_all(through, [through(item_id=i.pk, unit_id=units[name].pk)
                         for i, p in zip(items, plan.items, strict=True)
                         for name in p.co_units])
    insert_all(Node, [
        Node(item_id=i.pk, seq=seq, planned_date=n.planned_date, planned_text=n.text[:50],
             deliverable=n.deliverable[:300])
        for i, p in zip(items, plan.items, strict=True)
        for seq, n in enumerate(p.nodes, start=1)])
    insert_all(LightRecord, [
        LightRecord(item_id=i.pk, light=i.light, rule=i.light_rule, reason=i.light_reason,
                    inputs=i.light_inputs, on=on, at=now) for i in items])
    source = f"import {plan.list_name} {plan.year}"
    # Each item's history starts with what the sheet said (its row, fields and nodes as
    # written); the list's entry says how many came in.
    record_all([
        entry(actor, SupervisionAction.IMPORT, i, None, _imported(i, p), source)
        for i, p in zip(items, plan.items, strict=True)])
    red = [i for i in items if i.light == lights.RED]
    record(actor, SupervisionAction.IMPORT, lst, None, {
        "items": len(items), "red": len(red), "units_created": list(plan.units_to_create)},
        reason=source)
    # New items start from nothing: only red ones raise, all in one batch, and people hear
    # of them once per import (see _tell_red), not once per item.
    core_alerts.apply_causes([core_alerts.Raise(
        module=ALERT_MODULE, key=f"item:{i.pk}", level=Alert.Level.RED,
        title=_("Red light: %(code)s %(title)s") % {"code": i.code, "title": i.title},
        detail=describe(i.light_reason, i.light_inputs["params"]), source=i, unit=i.lead_unit,
        data={"item": i.pk, "rule": i.light_rule, "reason": i.light_reason,
              "params": i.light_inputs["params"], "i18n": red_light_texts(
                  i.code, i.title, i.light_reason, i.light_inputs["params"])})
        for i in red], notify=False)
    _tell_red(lst, red)
    return lst


