"""Committing a validated import plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import Alert, Unit, User
from zoneops.core.services import alerts as core_alerts
from zoneops.core.services.audit import entry, record, record_all, snapshot
from zoneops.core.services.org import create_unit

from .. import lights
from .. import permissions as perm
from ..audit import SupervisionAction
from ..models import (
    Item,
    LightRecord,
    Node,
    SupervisionList,
)
from . import base
from .base import ALERT_MODULE, light_config, require
from .items import create_list
from .lighting import describe

# --- import -------------------------------------------------------------------------------------

def _free_unit_code(used: set[str]) -> str:
    n = 1
    while f"S{n:03d}" in used:
        n += 1
    used.add(f"S{n:03d}")
    return f"S{n:03d}"


@transaction.atomic
def import_items(actor: User, plan: Any) -> SupervisionList:
    """Commit a validated import plan (importer.ImportPlan) in one transaction.

    Items and nodes are written in bulk (a 1,000-row list imports in seconds); each still gets
    its own audit entry with everything imported, and its light from the engine."""

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
    for p in plan.items:
        facts = [lights.NodeFact(i, n.planned_date) for i, n in enumerate(p.nodes, start=1)]
        result = lights.evaluate(on, facts, config=config)
        items.append(Item(
            supervision_list=lst, code=p.code, domain=p.domain, title=p.title, target=p.target,
            leader_name=p.leader_name, lead_unit=units[p.lead_unit], owner_name=p.owner_name,
            start_date=p.start_date, deadline=p.deadline, deadline_text=p.deadline_text[:100],
            light=result.light, light_rule=result.rule, light_reason=result.reason,
            light_inputs={**result.inputs, "params": result.params},
            bucket=lights.bucket(on, facts)))
    Item.objects.bulk_create(items, batch_size=500)
    if any(i.pk is None for i in items):  # databases that do not return ids from bulk inserts
        by_code = dict(lst.items.values_list("code", "pk"))
        for i in items:
            i.pk = by_code[i.code]
    through = Item.co_units.through
    through.objects.bulk_create([through(item_id=i.pk, unit_id=units[name].pk)
                                 for i, p in zip(items, plan.items, strict=True)
                                 for name in p.co_units], batch_size=1000)
    Node.objects.bulk_create([
        Node(item_id=i.pk, seq=seq, planned_date=n.planned_date, planned_text=n.text[:50],
             deliverable=n.deliverable[:300])
        for i, p in zip(items, plan.items, strict=True)
        for seq, n in enumerate(p.nodes, start=1)], batch_size=1000)
    now = timezone.now()
    LightRecord.objects.bulk_create([
        LightRecord(item_id=i.pk, light=i.light, rule=i.light_rule, reason=i.light_reason,
                    inputs=i.light_inputs, on=on, at=now) for i in items], batch_size=500)
    source = f"import {plan.list_name} {plan.year}"
    record_all([
        entry(actor, SupervisionAction.IMPORT, i, None,
              {**snapshot(i), "co_units": p.co_units, "row": f"{p.sheet}!{p.row}",
               "nodes": [{"planned_date": n.planned_date.isoformat(),
                          "deliverable": n.deliverable, "as_written": n.text}
                         for n in p.nodes]}, source)
        for i, p in zip(items, plan.items, strict=True)])
    record(actor, SupervisionAction.IMPORT, lst, None, {"items": len(items),
                                        "units_created": list(plan.units_to_create)},
           reason=source)
    # New items start from nothing: only red ones raise, all in one batch (one alert per
    # item, one statement per kind of write — 10,000 rows import in seconds).
    core_alerts.apply_causes([core_alerts.Raise(
        module=ALERT_MODULE, key=f"item:{i.pk}", level=Alert.Level.RED,
        title=_("Red light: %(code)s %(title)s") % {"code": i.code, "title": i.title},
        detail=describe(i.light_reason, i.light_inputs["params"]), source=i, unit=i.lead_unit,
        data={"item": i.pk, "rule": i.light_rule, "reason": i.light_reason,
              "params": i.light_inputs["params"]}) for i in items if i.light == lights.RED])
    return lst


