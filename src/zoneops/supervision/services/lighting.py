"""Lights: the engine's result stored, worded and followed by the red-light alert."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zoneops.core.models import Alert, User
from zoneops.core.services import alerts as core_alerts
from zoneops.core.services.audit import record, save_audited

from .. import lights
from .. import permissions as perm
from ..audit import SupervisionAction
from ..models import (
    Item,
    Light,
    LightRecord,
)
from . import base
from .base import ALERT_MODULE, light_config, require

# --- lights -------------------------------------------------------------------------------------

def _facts(item: Item) -> tuple[list[lights.NodeFact], list[lights.NoticeFact]]:
    rows = list(item.nodes.all())
    nodes = [lights.NodeFact(n.seq, n.planned_date, n.actual_date) for n in rows]
    seqs = {n.pk: n.seq for n in rows}
    notices = [lights.NoticeFact(n.level, n.issued_on, seqs.get(n.node_id))
               for n in item.notices.all()]
    return nodes, notices


@transaction.atomic
def recompute_light(item: Item, *, on: date | None = None, actor: Any = "system") -> Item:
    """Run the engine on the item's facts; store the result and, when it changed, a record of
    the rule and inputs. A red item raises a core alert to its lead unit; green clears it."""
    on = on or base.today()
    nodes, notices = _facts(item)
    done = item.status == Item.Status.DONE
    manual = (item.manual_light, item.manual_reason) if item.manual_light else None
    result = lights.evaluate(on, nodes, done=done, manual=manual, notices=notices,
                             config=light_config())
    new_bucket = lights.bucket(on, nodes, done)
    inputs = {**result.inputs, "params": result.params}
    changed = (item.light, item.light_rule, item.light_reason) != (
        result.light, result.rule, result.reason)
    if changed or item.bucket != new_bucket:
        previous = item.light
        Item.objects.filter(pk=item.pk).update(
            light=result.light, light_rule=result.rule, light_reason=result.reason,
            light_inputs=inputs, bucket=new_bucket, updated_at=timezone.now())
        item.light, item.light_rule, item.light_reason = result.light, result.rule, result.reason
        item.light_inputs, item.bucket = inputs, new_bucket
        if changed:
            LightRecord.objects.create(item=item, light=result.light, rule=result.rule,
                                       reason=result.reason, inputs=inputs, on=on,
                                       at=timezone.now())
            if previous != result.light:
                record(actor, SupervisionAction.LIGHT, item, {"light": previous},
                       {"light": result.light},
                       reason=describe(result.reason, result.params))
        _sync_alert(item, previous, result)
    return item


# The light engine's reasons, worded (English source text, translated by the catalogue).
REASONS = {
    "done": gettext_noop("The item is done."),
    "manual": gettext_noop("Set by hand: %(reason)s"),
    "node_overdue": gettext_noop("Node %(seq)s (due %(planned)s) is %(days)s days overdue."),
    "node_due_soon": gettext_noop("Node %(seq)s is due on %(planned)s, in %(days)s days."),
    "caught_up_late": gettext_noop("Node %(seq)s was met late on %(actual)s (due %(planned)s)."),
    "notice": gettext_noop("Supervision notice %(level)s issued on %(issued)s."),
    "on_track": gettext_noop("Every node due so far was met."),
}


def describe(reason: str, params: dict[str, Any]) -> str:
    """The engine's sentence in the current language."""
    template = REASONS.get(reason, reason)
    try:
        return _(template) % params if params else _(template)
    except (KeyError, TypeError, ValueError):
        return template


def _sync_alert(item: Item, previous: str, result: lights.LightResult) -> None:
    key = f"item:{item.pk}"
    if result.light == lights.RED:
        core_alerts.raise_alert(
            module=ALERT_MODULE, key=key, level=Alert.Level.RED,
            title=_("Red light: %(code)s %(title)s") % {"code": item.code, "title": item.title},
            detail=describe(result.reason, result.params), source=item, unit=item.lead_unit,
            data={"item": item.pk, "rule": result.rule, "reason": result.reason,
                  "params": result.params})
    elif result.light == lights.GREEN and previous != lights.GREEN:
        core_alerts.resolve_alert(module=ALERT_MODULE, key=key,
                                  note=describe(result.reason, result.params))


@transaction.atomic
def set_manual_light(actor: User, item: Item, *, light: str, reason: str) -> Item:
    """The office sets a light by hand (or clears it with light=''), always with a reason."""
    require(perm.can_manage(actor), "set lights by hand")
    if light and light not in Light.values:
        raise ValidationError({"light": _("Unknown light.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A manual light needs a reason.")})
    item = save_audited(actor, item, {"manual_light": light,
                                      "manual_reason": reason.strip() if light else ""},
                        reason=reason.strip(), action=SupervisionAction.MANUAL_LIGHT)
    return recompute_light(item, actor=actor)


