"""Machine API: an alert's trace and suspects, and the release points - with the same rules
as the pages (suspects only for internal people who may see the alert)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema

from zoneops.core import permissions as core
from zoneops.core.api import ERRORS

from . import permissions as perm
from . import selectors

router = Router(tags=["tracing"])


class PointOut(Schema):
    id: int
    enterprise_id: int
    code: str
    name: str
    kind: str
    latitude: float
    longitude: float
    height_m: float
    substances: list[str]
    is_active: bool


class SuspectOut(Schema):
    rank: int
    release_point_id: int
    enterprise_id: int
    probability: float
    rate_g_s: dict | None
    decision: str


class TraceOut(Schema):
    alert_id: int
    state: str
    computed_at: datetime | None
    runs: int
    message: str
    evidence: dict
    result: dict
    suspects: list[SuspectOut]


@router.get("/points", response={200: list[PointOut], **ERRORS})
def list_points(request):
    if core.role_of(request.user) is None:
        raise PermissionDenied
    return list(selectors.points_for(request.user))


@router.get("/alerts/{alert_id}", response={200: TraceOut, **ERRORS})
def alert_trace(request, alert_id: int):
    """The trace of one alert: state, evidence, result (region, fan, per enterprise) and the
    ranked suspects with their rate (median, p05, p95 in g/s)."""
    alert = core.ALERTS.get(request.user, pk=alert_id)
    if not perm.can_view_suspects(request.user, alert):
        raise PermissionDenied
    trace = selectors.trace_of(alert)
    if trace is None:
        raise Http404
    return {"alert_id": alert.pk, "state": trace.state, "computed_at": trace.computed_at,
            "runs": trace.runs, "message": trace.message, "evidence": trace.evidence,
            "result": trace.result, "suspects": [{
                "rank": s.rank, "release_point_id": s.release_point_id,
                "enterprise_id": s.release_point.enterprise_id, "probability": s.probability,
                "rate_g_s": None if s.rate_median is None else {
                    "median": s.rate_median, "p05": s.rate_p05, "p95": s.rate_p95},
                "decision": s.decision} for s in selectors.suspects_of(trace)]}
