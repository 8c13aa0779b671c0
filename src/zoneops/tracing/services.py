"""Every write of source tracing: permission first, validation keyed by field, one
transaction, the audit record last. The worker's own writes (a trace's evidence, result and
suspects: machine context, re-computed many times) are in ``runner``; people's decisions
about them are here."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as core
from zoneops.core.models import Alert, Enterprise, User
from zoneops.core.services.audit import record, save_audited, snapshot
from zoneops.dispersion.geo import distance_m
from zoneops.environment.models import Factor

from . import permissions as perm
from .audit import TracingAction
from .models import OdourReport, ReleasePoint, Suspect, Trace

POINT_FIELDS = {"enterprise", "code", "name", "kind", "latitude", "longitude", "height_m",
                "substances", "is_active"}


def _only(data: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    return dict(data)


def _substances(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("、", ",").replace("，", ",").split(",")]
    codes = [str(v).strip() for v in value or [] if str(v).strip()]
    known = set(Factor.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError({"substances": _("Unknown HJ 212 factor code(s): %(codes)s.")
                               % {"codes": ", ".join(unknown)}})
    return list(dict.fromkeys(codes))


# --- release points ----------------------------------------------------------------------------

@transaction.atomic
def create_point(actor: User, *, enterprise: Enterprise, data: dict[str, Any]) -> ReleasePoint:
    core.require(perm.can_add_point(actor, enterprise),
                 "only an administrator, the office or the enterprise's contact adds its points")
    data = _only(data, POINT_FIELDS - {"enterprise"})
    if "substances" in data:
        data["substances"] = _substances(data["substances"])
    if ReleasePoint.objects.filter(enterprise=enterprise, code=data.get("code", "")).exists():
        raise ValidationError({"code": _("This enterprise already has a point with this code.")})
    return save_audited(actor, ReleasePoint(enterprise=enterprise), data,
                        action=TracingAction.POINT_CREATE)


@transaction.atomic
def update_point(actor: User, point: ReleasePoint, *, data: dict[str, Any]) -> ReleasePoint:
    core.require(perm.POINTS.allows(actor, point, "change"),
                 "only an administrator, the office or the enterprise's contact edits its points")
    data = _only(data, POINT_FIELDS - {"enterprise"})
    if "substances" in data:
        data["substances"] = _substances(data["substances"])
    if "code" in data and ReleasePoint.objects.filter(
            enterprise=point.enterprise, code=data["code"]).exclude(pk=point.pk).exists():
        raise ValidationError({"code": _("This enterprise already has a point with this code.")})
    return save_audited(actor, point, data, action=TracingAction.POINT_UPDATE)


# --- traces and suspects -----------------------------------------------------------------------

def alarm_factor(alert: Alert) -> str | None:
    """The factor of an air-quality alarm this module traces (a level or rate alarm of a
    gas at a station that is not a weather mast), else None."""
    data = alert.data or {}
    if alert.module != "environment" or data.get("late"):
        return None
    if data.get("rule_kind") not in ("level", "rate") or not data.get("factor"):
        return None
    if not data.get("station_id") or str(data["factor"]).startswith("a01"):
        return None
    return str(data["factor"])


def _anchor(alert: Alert) -> datetime:
    try:
        return datetime.fromisoformat((alert.data or {})["time"])
    except (KeyError, TypeError, ValueError):
        return alert.raised_at


def ensure_trace(alert: Alert, *, now: datetime | None = None) -> Trace | None:
    """The alert's trace, created (pending) if the alert is one this module traces. Called by
    the worker for every new alarm; nobody decides anything here, so it is not audited."""
    factor = alarm_factor(alert)
    if factor is None and not (alert.module == "tracing" and alert.key.startswith("odour:")):
        return None
    trace, _created = Trace.objects.get_or_create(alert=alert, defaults={
        "factor_code": factor or "", "anchor": _anchor(alert),
        "requested_at": now or timezone.now()})
    return trace


@transaction.atomic
def request_trace(actor: User, alert: Alert) -> Trace:
    """A duty officer asks for the trace now (from the live watch or the alert page): the
    worker runs it on its next cycle."""
    core.require(perm.can_request_trace(actor, alert), "only a dispatcher asks for a trace")
    trace = ensure_trace(alert)
    if trace is None:
        raise ValidationError({"alert": _("This alert is not an air-quality alarm or an odour "
                                          "cluster: there is nothing to trace.")})
    trace = Trace.objects.select_for_update().get(pk=trace.pk)
    trace.state = Trace.State.PENDING
    trace.requested_at = timezone.now()
    trace.save(update_fields=["state", "requested_at"])
    record(actor, TracingAction.TRACE_REQUEST, alert, None, {"trace": trace.pk})
    return trace


@transaction.atomic
def decide(actor: User, suspect: Suspect, *, decision: str, note: str = "") -> Suspect:
    """Confirm or reject a suspect. A confirmation is what the hit rate counts: it keeps the
    rank the suspect had when it was confirmed."""
    alert = suspect.trace.alert
    core.require(perm.can_decide(actor, alert), "only a dispatcher confirms or rejects")
    if decision not in (Suspect.Decision.CONFIRMED, Suspect.Decision.REJECTED):
        raise ValidationError({"decision": _("Choose confirm or reject.")})
    if len(note) > 300:
        raise ValidationError({"note": _("At most 300 characters.")})
    suspect = Suspect.objects.select_for_update().get(pk=suspect.pk)
    if decision == Suspect.Decision.CONFIRMED and suspect.trace.suspects.filter(
            decision=Suspect.Decision.CONFIRMED).exclude(pk=suspect.pk).exists():
        raise ValidationError({"decision": _("Another suspect of this alert is already "
                                             "confirmed; reject it first.")})
    before = snapshot(suspect)
    suspect.decision = decision
    suspect.rank_at_decision = suspect.rank
    suspect.decided_by = actor
    suspect.decided_at = timezone.now()
    suspect.note = note
    suspect.save()
    action = (TracingAction.SUSPECT_CONFIRM if decision == Suspect.Decision.CONFIRMED
              else TracingAction.SUSPECT_REJECT)
    record(actor, action, suspect, before, snapshot(suspect), note)
    return suspect


# --- residents' odour reports ------------------------------------------------------------------

PER_ADDRESS_HOUR = 3
PER_ADDRESS_DAY = 10
FOLD_MINUTES = 30
FOLD_METRES = 300.0
MAX_AGE = timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def address_hash(address: str | None) -> str:
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"odour:{address}".encode(),
                    hashlib.sha256).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class Throttled(ValidationError):
    pass


@transaction.atomic
def submit_odour(*, latitude: float, longitude: float, observed_at: datetime, intensity: int,
                 smell: str, note: str = "", photo=None, address: str | None = None,
                 now: datetime | None = None) -> OdourReport:
    """A resident's report (no account). Limited per address (hashed); a second report from
    the same address within FOLD_MINUTES and FOLD_METRES is kept but folded into the first,
    whose tracking code it gets. Anonymous: the audit trail has no person to name, the
    report itself is the record."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["location"] = _("Tap the map or use your location.")
    if observed_at > now + timedelta(minutes=5) or observed_at < now - MAX_AGE:
        errors["observed_at"] = _("The time must be within the last 24 hours.")
    if not 0 <= intensity <= 5:
        errors["intensity"] = _("Choose a strength from 0 to 5.")
    if smell not in OdourReport.Smell.values:
        errors["smell"] = _("Choose what it smells like.")
    if len(note) > 300:
        errors["note"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    key = address_hash(address)
    earlier = None
    if key:
        # One lock per address would need a table; the report rows serialise on SQLite and
        # the limits are generous enough that a race letting one extra through is harmless.
        recent = list(OdourReport.objects.filter(address_hash=key,
                                                 reported_at__gte=now - timedelta(days=1))
                      .order_by("-reported_at"))
        in_hour = [r for r in recent if r.reported_at >= now - timedelta(hours=1)]
        if len(in_hour) >= PER_ADDRESS_HOUR or len(recent) >= PER_ADDRESS_DAY:
            raise Throttled({"__all__": _("Too many reports from this connection. Please try "
                                          "again later, or call the park's hotline.")})
        for r in recent:
            if (r.reported_at >= now - timedelta(minutes=FOLD_MINUTES)
                    and distance_m(r.latitude, r.longitude, latitude, longitude) <= FOLD_METRES):
                earlier = r.folded_into or r
                break
    report = OdourReport(code=new_code(), latitude=latitude, longitude=longitude,
                         observed_at=observed_at, reported_at=now, intensity=intensity,
                         smell=smell, note=note, address_hash=key, folded_into=earlier)
    if photo is not None:
        report.photo.save(photo.name, photo, save=False)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def review_odour(actor: User, report: OdourReport, *, status: str, outcome: str) -> OdourReport:
    """The duty officer's answer, shown to the reporter on the tracking page."""
    core.require(perm.can_review_odour(actor), "only a dispatcher reviews odour reports")
    if status not in (OdourReport.Status.REVIEWED, OdourReport.Status.CLOSED):
        raise ValidationError({"status": _("Choose looked into or closed.")})
    if not outcome.strip():
        raise ValidationError({"outcome": _("Tell the reporter what was found.")})
    if len(outcome) > 2000:
        raise ValidationError({"outcome": _("At most 2000 characters.")})
    before = snapshot(report)
    report.status = status
    report.outcome = outcome.strip()
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save()
    record(actor, TracingAction.ODOUR_REVIEW, report, before, snapshot(report))
    return report
