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
from zoneops.core.models.alerts import OPEN_STATUSES
from zoneops.core.services import alerts as core_alerts
from zoneops.core.services.audit import record, save_audited

from .. import asof, lights
from .. import permissions as perm
from ..audit import SupervisionAction
from ..models import (
    Item,
    Light,
    LightRecord,
)
from . import base
from .base import ALERT_MODULE, require

# --- lights -------------------------------------------------------------------------------------

@transaction.atomic
def recompute_light(item: Item, *, on: date | None = None, actor: Any = "system") -> Item:
    """Run the engine on the item's facts as of `on` (asof.for_item, the one computation every
    page uses); store the result and, when the light changed, a record of the rule and inputs.
    A red item raises a core alert to its lead unit; any other light closes it, saying why."""
    on = on or base.today()
    result = asof.for_item(item, on)
    inputs = {**result.inputs, "params": result.params}
    # The stored reason's figures (days overdue) follow the day too, not only the light.
    changed = (item.light, item.light_rule, item.light_reason) != (
        result.light, result.rule, result.reason)
    refreshed = changed or (item.light_inputs or {}).get("params") != result.params
    if refreshed or item.bucket != result.bucket:
        previous = item.light
        Item.objects.filter(pk=item.pk).update(
            light=result.light, light_rule=result.rule, light_reason=result.reason,
            light_inputs=inputs, bucket=result.bucket, updated_at=timezone.now())
        item.light, item.light_rule, item.light_reason = result.light, result.rule, result.reason
        item.light_inputs, item.bucket = inputs, result.bucket
        if changed:
            LightRecord.objects.create(item=item, light=result.light, rule=result.rule,
                                       reason=result.reason, inputs=inputs, on=on,
                                       at=timezone.now())
            if previous != result.light:
                record(actor, SupervisionAction.LIGHT, item, {"light": previous},
                       {"light": result.light},
                       reason=describe(result.reason, result.params))
        _sync_alert(item, result)
    return item


# The light engine's reasons, worded (English source text, translated by the catalogue).
REASONS = {
    "done": gettext_noop("The item is done."),
    "manual": gettext_noop("Set by hand: %(reason)s"),
    "node_overdue": gettext_noop("Node %(seq)s (due %(planned)s) is %(days)s days overdue."),
    # Dated: a sentence stored in an alert or a notification stays true on later days.
    "node_overdue_on": gettext_noop(
        "Node %(seq)s (due %(planned)s) was %(days)s days overdue on %(on)s."),
    "node_due_soon": gettext_noop("Node %(seq)s is due on %(planned)s, in %(days)s days."),
    "caught_up_late": gettext_noop("Node %(seq)s was met late on %(actual)s (due %(planned)s)."),
    "notice": gettext_noop("Supervision notice %(level)s issued on %(issued)s."),
    "on_track": gettext_noop("Every node due so far was met."),
}


def describe(reason: str, params: dict[str, Any], *, on: date | None = None) -> str:
    """The engine's sentence in the current language. With `on`, a count of days written on
    another day (a stored light) is counted again for `on`, so it is right the day it shows."""
    if on is not None and params and reason in ("node_overdue", "node_due_soon") \
            and "planned" in params:
        planned = date.fromisoformat(params["planned"])
        params = {**params, "days": abs((planned - on).days), "on": on.isoformat()}
    if reason == "node_overdue" and params and "on" in params:
        reason = "node_overdue_on"
    template = _reason_template(reason, params)
    try:
        return _(template) % params if params else _(template)
    except (KeyError, TypeError, ValueError):
        return template


def _reason_template(reason: str, params: dict[str, Any] | None) -> str:
    if reason == "node_overdue" and params and "on" in params:
        reason = "node_overdue_on"
    return REASONS.get(reason, reason)


def red_light_texts(code: str, title: str, reason: str, params: dict[str, Any]) -> dict:
    """The red-light alert's title and detail as message ids with parameters, so each reader
    sees them in their own language (core.models.alerts.i18n_spec)."""
    from zoneops.core.models.alerts import i18n_spec

    template = _reason_template(reason, params)
    return {"title": i18n_spec("Red light: %(code)s %(title)s", code=code, title=title),
            "detail": i18n_spec(template, **(params or {})) if template in REASONS.values()
            else template}


def _sync_alert(item: Item, result: Any) -> None:
    """The red-light alert follows the light: raised (or refreshed) while red, closed with the
    reason as soon as the item is yellow, blue or green."""
    key = f"item:{item.pk}"
    if result.light == lights.RED:
        core_alerts.raise_alert(
            module=ALERT_MODULE, key=key, level=Alert.Level.RED,
            title=_("Red light: %(code)s %(title)s") % {"code": item.code, "title": item.title},
            detail=describe(result.reason, result.params), source=item, unit=item.lead_unit,
            data={"item": item.pk, "rule": result.rule, "reason": result.reason,
                  "params": result.params, "i18n": red_light_texts(
                      item.code, item.title, result.reason, result.params)})
    else:
        core_alerts.close_cause(module=ALERT_MODULE, key=key, note=closing_note(
            result.light, result.reason, result.params))


def closing_note(light: str, reason: str, params: dict[str, Any]) -> str:
    return _("The light is now %(light)s: %(reason)s") % {
        "light": Light(light).label, "reason": describe(reason, params)}


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


def sync_light_alerts(*, on: date | None = None) -> int:
    """Close every open red-light alert whose item is not red as of `on` (or is gone), with
    the reason: the repair for alerts left open by versions that cleared them only on green.
    Run by `supervision remind` each day and by `supervision sync-alerts`. Returns how many
    were closed."""
    on = on or base.today()
    open_alerts = list(Alert.objects.filter(module=ALERT_MODULE, key__startswith="item:",
                                            status__in=OPEN_STATUSES).only("pk", "key"))
    ids = {int(a.key[5:]) for a in open_alerts if a.key[5:].isdigit()}
    items = {i.pk: i for i in Item.objects.filter(pk__in=ids)}
    now = asof.for_items(items.values(), on)
    closed = 0
    for alert in open_alerts:
        pk = int(alert.key[5:]) if alert.key[5:].isdigit() else None
        result = now.get(pk) if pk is not None else None
        if result is not None and result.light == lights.RED:
            continue
        note = (closing_note(result.light, result.reason, result.params) if result
                else _("The item no longer exists."))
        with transaction.atomic():
            if core_alerts.close_cause(module=ALERT_MODULE, key=alert.key, note=note):
                closed += 1
    return closed
