"""Reads of source tracing (each starts from the person's scope)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zoneops.core import permissions as core
from zoneops.core.models import Alert, Enterprise, User
from zoneops.core.models.alerts import OPEN_STATUSES

from . import permissions as perm
from .models import OdourReport, ReleasePoint, Suspect, Trace


def points_for(user: User, enterprise: Enterprise | None = None) -> QuerySet[ReleasePoint]:
    qs = perm.POINTS.restrict(user).select_related("enterprise")
    return qs.filter(enterprise=enterprise) if enterprise is not None else qs


def trace_of(alert: Alert) -> Trace | None:
    return Trace.objects.filter(alert=alert).first()


def suspects_of(trace: Trace) -> list[Suspect]:
    return list(trace.suspects.select_related("release_point__enterprise", "decided_by")
                .order_by("rank"))


def map_data(trace: Trace, suspects: list[Suspect]) -> dict[str, Any]:
    """What the maps draw: suspects, the 90 % region, the upwind fan and the origin."""
    result = trace.result or {}
    return {
        "alert": trace.alert_id, "region": result.get("region"), "fan": result.get("fan"),
        "origin": result.get("origin"),
        "suspects": [{
            "id": s.pk, "rank": s.rank, "probability": s.probability,
            "name": str(s.release_point), "lat": s.release_point.latitude,
            "lon": s.release_point.longitude, "decision": s.decision,
        } for s in suspects],
    }


def live(user: User) -> list[dict[str, Any]]:
    """The traces of the open alerts this person may see suspects of (the live watch)."""
    if not core.is_internal(user):
        return []
    alerts = core.ALERTS.restrict(user).filter(status__in=OPEN_STATUSES, trace__isnull=False)
    out = []
    for trace in (Trace.objects.filter(alert__in=alerts).select_related("alert")
                  .order_by("-alert__raised_at")[:20]):
        item = map_data(trace, suspects_of(trace))
        item.update(title=trace.alert.title, state=trace.state, url=f"/alerts/{trace.alert_id}/")
        out.append(item)
    return out


def hit_rate_by_month(months: int = 6, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per month (of the decision, Beijing time): alerts whose source a duty officer
    confirmed, and how many of those the tracer had ranked first. Newest month first."""
    now = timezone.localtime(now or timezone.now())
    keys: OrderedDict[str, dict[str, Any]] = OrderedDict()
    y, m = now.year, now.month
    for _i in range(months):
        keys[f"{y:04d}-{m:02d}"] = {"month": f"{y:04d}-{m:02d}", "confirmed": 0, "first": 0}
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    rows = Suspect.objects.filter(decision=Suspect.Decision.CONFIRMED,
                                  decided_at__isnull=False).values_list("decided_at",
                                                                        "rank_at_decision")
    for at, rank in rows:
        key = timezone.localtime(at).strftime("%Y-%m")
        if key in keys:
            keys[key]["confirmed"] += 1
            keys[key]["first"] += 1 if rank == 1 else 0
    for item in keys.values():
        item["rate"] = item["first"] / item["confirmed"] if item["confirmed"] else None
    return list(keys.values())


def odour_queue(status: str | None = OdourReport.Status.NEW) -> QuerySet[OdourReport]:
    qs = OdourReport.objects.filter(folded_into__isnull=True).select_related("cluster")
    return qs.filter(status=status) if status else qs
