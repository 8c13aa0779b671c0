"""Pages of the live watch: map + open alarms, station page with charts, CSV export, and a
Server-Sent Events stream that tells open pages when something changed."""

from __future__ import annotations

import asyncio
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Max
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zoneops.core.selectors import places_geojson

from . import permissions as env_perm
from . import selectors, services
from .convert import BEIJING
from .models import Reading, RejectCount, Station

RANGES = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}
MAX_POINTS = 1500


def _require_watch(request: HttpRequest) -> None:
    if not env_perm.can_watch(request.user):
        raise PermissionDenied


def _station(request: HttpRequest, pk: int) -> Station:
    """A station in the person's scope; any other answers 404, as everywhere."""
    return env_perm.STATIONS.get(request.user, pk=pk, queryset=Station.objects.select_related(
        "unit", "enterprise"))


def status_data(user) -> dict[str, Any]:
    """Stations with their worst current level, and the open alarms, for this person."""
    stations = list(selectors.stations_for(user).filter(is_active=True).exclude(
        kind__in=Station.WATER_KINDS))  # water points are on the chain's pages
    levels = selectors.station_levels([s.pk for s in stations])
    # A station with an open alarm whose cause has not cleared is at that alarm's level on
    # the map too (a seeded or imported alarm has no engine state behind it).
    for alert in selectors.open_alerts(user).filter(cause_cleared_at__isnull=True):
        for member in _members(alert):
            sid = member.get("station_id")
            if sid and not member.get("cleared"):
                levels[sid] = max(levels.get(sid, 0), int(member.get("level") or alert.level))
    alerts = list(selectors.open_alerts(user)[:50])
    return {
        "stations": [{
            "id": s.pk, "mn": s.mn, "name": s.name, "kind": s.kind, "lat": s.latitude,
            "lon": s.longitude, "level": levels.get(s.pk, 0),
            "url": f"/environment/stations/{s.pk}/",
            "last_seen": _local(getattr(getattr(s, "gateway_state", None), "last_seen", None)),
        } for s in stations],
        "alerts": [{
            "id": a.pk, "title": a.display_title, "level": a.level, "status": a.status,
            "status_label": str(a.get_status_display()), "raised_at": _local(a.raised_at),
            "url": f"/alerts/{a.pk}/", "cleared": a.cause_cleared_at is not None,
        } for a in alerts],
        "max_alert_id": max((a.pk for a in alerts), default=0),
    }


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def watch(request: HttpRequest) -> HttpResponse:
    _require_watch(request)
    return render(request, "environment/watch.html", {
        "status": status_data(request.user), "places": places_geojson(),
        "watch_config": {
            "tile_url": settings.ZONEOPS_TILE_URL, "status_url": reverse("environment-status"),
            "events_url": reverse("environment-events"),
            "kinds": {value: str(label) for value, label in Station.Kind.choices},
            "labels": {"zoom_in": _("Zoom in"), "zoom_out": _("Zoom out")}},
    })


def status(request: HttpRequest) -> JsonResponse:
    _require_watch(request)
    return JsonResponse(status_data(request.user))


def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station(request, pk)
    now = timezone.now().astimezone(BEIJING)
    return render(request, "environment/station_detail.html", {
        "station": station, "state": getattr(station, "gateway_state", None),
        "rejects": RejectCount.objects.filter(station=station).exclude(
            code__in=RejectCount.VALUE_REASONS),
        "value_rejects": RejectCount.objects.filter(station=station,
                                                    code__in=RejectCount.VALUE_REASONS),
        "details": selectors.reading_details(station),
        "statuses": selectors.device_statuses(station),
        "factors": selectors.station_factors(station),
        "factor_rows": selectors.station_factor_rows(station),
        "rules": selectors.rules_for_station(station),
        "alerts": selectors.environment_alerts(request.user).filter(
            key__startswith=f"{station.mn}:")[:20],
        "export_from": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "export_to": now.strftime("%Y-%m-%dT%H:%M"),
        "can_manage": env_perm.can_manage_stations(request.user),
        "maintenance": env_perm.MAINTENANCE.restrict(request.user).filter(
            station=station).select_related("created_by")[:20],
        "can_set_maintenance": env_perm.can_set_maintenance(request.user, station),
        "now": timezone.now(),
        "maintenance_from": now.strftime("%Y-%m-%dT%H:%M"),
        "maintenance_to": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    })


@require_POST
def maintenance_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a maintenance window on a station (its alarms are silenced meanwhile)."""
    station = _station(request, pk)
    if not env_perm.can_set_maintenance(request.user, station):
        raise PermissionDenied
    try:
        starts_at = _parse_local(request.POST.get("starts_at")) or timezone.now()
        ends_at = _parse_local(request.POST.get("ends_at"))
        if ends_at is None:
            raise ValidationError({"ends_at": _("Give the end of the window.")})
        services.create_maintenance(request.user, station=station, starts_at=starts_at,
                                    ends_at=ends_at, reason=request.POST.get("reason", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Maintenance window set: this station raises no alarm "
                                    "until it ends."))
    return redirect("environment-station", pk)


@require_POST
def maintenance_end(request: HttpRequest, pk: int) -> HttpResponse:
    window = env_perm.MAINTENANCE.get(request.user, pk=pk)
    if not env_perm.MAINTENANCE.allows(request.user, window, "change"):
        raise PermissionDenied
    try:
        services.end_maintenance(request.user, window)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Maintenance ended: alarms count again."))
    return redirect("environment-station", window.station_id)


def series(request: HttpRequest, pk: int) -> JsonResponse:
    """Each factor's readings over the last hour/day/week (thinned to MAX_POINTS), with
    the tier lines to draw."""
    station = _station(request, pk)
    span = RANGES.get(request.GET.get("range", "hour"))
    if span is None:
        return JsonResponse({"error": "range must be hour, day or week"}, status=400)
    start = timezone.now() - span
    by_factor: dict[str, list] = {}
    rows = (Reading.objects.filter(station=station, time__gte=start, kind="rtd")
            .order_by("time").values_list("factor__code", "time", "value", "flag"))
    for code, when, value, flag in rows.iterator(chunk_size=5000):
        by_factor.setdefault(code, []).append([int(when.timestamp() * 1000), value, flag])
    for code, points in by_factor.items():
        if len(points) > MAX_POINTS:
            stride = len(points) // MAX_POINTS + 1
            by_factor[code] = points[::stride] + ([points[-1]] if len(points) % stride != 1
                                                  else [])
    own = selectors.station_units(station)
    factors = {f.code: {"name": f.name, "unit": own.get(f.code) or f.unit}
               for f in selectors.station_factors(station)}
    return JsonResponse({"series": by_factor, "factors": factors,
                         "limits": selectors.limits_by_factor(station),
                         "max_id": Reading.objects.filter(station=station).aggregate(
                             m=Max("id"))["m"] or 0})


def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station(request, pk)
    try:
        start = _parse_local(request.GET.get("from"))
        end = _parse_local(request.GET.get("to"))
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{station.mn}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    selectors.write_csv(response, station, start, end)
    return response


def _parse_local(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Not a date and time: %(text)s") % {"text": text}) from None
    return value if value.tzinfo else value.replace(tzinfo=BEIJING)


# --- live updates --------------------------------------------------------------------------

def _signature(user) -> tuple[int, str]:
    readings = Reading.objects.aggregate(m=Max("id"))["m"] or 0
    alerts = selectors.environment_alerts(user).order_by("-id").values_list(
        "id", "level", "status", "cause_cleared_at")[:200]
    return readings, json.dumps([[a, b, c, bool(d)] for a, b, c, d in alerts])


def _signature_then_release(user) -> tuple[int, str]:
    """One poll, then the database connection goes back (to the pool on PostgreSQL): a stream
    lives for minutes, and holding a pooled connection that long let a few open pages starve
    every other request (issue 17). Inside a transaction (tests) the connection is the
    caller's and stays."""
    try:
        return _signature(user)
    finally:
        if not connection.in_atomic_block:
            connection.close()


class StreamSlots:
    """How many event streams this process serves, overall and per person. The streams of one
    process share its event loop, so plain counters need no lock."""

    def __init__(self) -> None:
        self.total = 0
        self.by_user: dict[int, int] = {}

    def take(self, user_id: int) -> bool:
        overall = int(getattr(settings, "ENVIRONMENT_SSE_MAX_STREAMS", 200))
        per_user = int(getattr(settings, "ENVIRONMENT_SSE_MAX_STREAMS_PER_USER", 4))
        if self.total >= overall or self.by_user.get(user_id, 0) >= per_user:
            return False
        self.total += 1
        self.by_user[user_id] = self.by_user.get(user_id, 0) + 1
        return True

    def give_back(self, user_id: int) -> None:
        self.total -= 1
        left = self.by_user.get(user_id, 1) - 1
        if left > 0:
            self.by_user[user_id] = left
        else:
            self.by_user.pop(user_id, None)


STREAM_SLOTS = StreamSlots()
# A browser told to come back waits this long (EventSource's `retry`), spread so that the
# refused pages do not all return in the same second.
BUSY_RETRY_MILLISECONDS = 30_000


def _sse_response(body) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def events(request: HttpRequest) -> StreamingHttpResponse:
    """Server-Sent Events: `readings` when new readings were stored, `alerts` when the open
    alarms changed (the page then re-reads /environment/status.json). It polls the
    database, so it works with any number of gateway and web processes; a stream ends after
    a few minutes and the browser's EventSource reconnects by itself.

    A stream holds no database connection between polls, and a process serves a bounded
    number of streams (overall and per person): the others get an `event: busy` and a long
    `retry`, so the browser comes back later by itself while the page keeps working."""
    user = await request.auser()
    if not env_perm.can_watch(user):
        raise PermissionDenied
    poll = float(getattr(settings, "ENVIRONMENT_SSE_POLL_SECONDS", 1.5))
    lifetime = float(getattr(settings, "ENVIRONMENT_SSE_LIFETIME_SECONDS", 300))
    async def stream():
        # The slot is taken when the body starts, so a response that is never sent holds none.
        if not STREAM_SLOTS.take(user.pk):
            retry = BUSY_RETRY_MILLISECONDS + secrets.randbelow(BUSY_RETRY_MILLISECONDS)
            yield f"retry: {retry}\nevent: busy\ndata: {json.dumps({'retry_ms': retry})}\n\n"
            return
        try:
            yield "retry: 2000\n\n"
            last = await sync_to_async(_signature_then_release)(user)
            loop = asyncio.get_running_loop()
            ends = loop.time() + lifetime
            while loop.time() < ends:
                await asyncio.sleep(poll)
                current = await sync_to_async(_signature_then_release)(user)
                if current[0] != last[0]:
                    yield f"event: readings\ndata: {json.dumps({'max_id': current[0]})}\n\n"
                if current[1] != last[1]:
                    yield f"event: alerts\ndata: {json.dumps({'changed': True})}\n\n"
                if current == last:
                    yield ": keep-alive\n\n"
                last = current
        finally:
            STREAM_SLOTS.give_back(user.pk)

    return _sse_response(stream())


def dashboard_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The dashboard card: open environment alarms and stations by state."""
    if not env_perm.can_watch(request.user):
        return None
    stations = selectors.stations_for(request.user).filter(is_active=True).exclude(
        kind__in=Station.WATER_KINDS)
    ids = list(stations.values_list("pk", flat=True))
    if not ids:
        return None
    levels = selectors.station_levels(ids)
    return {"template": "environment/_panel.html", "stations": len(ids),
            "alarming": sum(1 for v in levels.values() if v > 0),
            "open": selectors.open_alerts(request.user).count(),
            "worst": max(levels.values(), default=0)}





# --- the air alarm's part of the alert page ------------------------------------------------

CHART_MARGIN = timedelta(minutes=30)
CHART_POINTS = 600
SHANGHAI_OFFSET_MS = 8 * 3600 * 1000  # charts draw in Beijing time whatever the browser's zone


def _members(alert) -> list[dict[str, Any]]:
    """The alarms inside an alert: an incident's members, or the alarm itself."""
    data = alert.data or {}
    members = list((data.get("members") or {}).values())
    if not members and data.get("station_id"):
        members = [{**data, "level": alert.level,
                    "cleared": alert.cause_cleared_at.isoformat()
                    if alert.cause_cleared_at else None}]
    return members


def alert_panel(request: HttpRequest, alert) -> dict[str, Any] | None:
    """Readings around the alarm with the limit lines, the wind, the stations (linked)."""
    if alert.module != "environment":
        return None
    members = _members(alert)
    if not members:
        return None
    ids = {m["station_id"] for m in members if m.get("station_id")}
    stations = {s.pk: s for s in Station.objects.filter(pk__in=ids).select_related(
        "unit", "enterprise")}
    visible = {pk for pk, s in stations.items() if env_perm.STATIONS.allows(request.user, s)}
    times = [datetime.fromisoformat(m["time"]) for m in members if m.get("time")]
    start = (min(times) if times else alert.raised_at) - CHART_MARGIN
    end = min((max(times) if times else alert.raised_at) + CHART_MARGIN, timezone.now())
    charts: dict[str, dict[str, Any]] = {}
    rows = []
    for m in members:
        station = stations.get(m.get("station_id"))
        code = m.get("factor") or ""
        rows.append({**m, "url": reverse("environment-station", args=[station.pk])
                     if station and station.pk in visible else "",
                     "when": _local(datetime.fromisoformat(m["time"])) if m.get("time") else "",
                     "cleared_at": _local(datetime.fromisoformat(m["cleared"]))
                     if m.get("cleared") else ""})
        if station is None or not code:
            continue
        chart = charts.setdefault(code, {"factor": code, "name": m.get("factor_name") or code,
                                         "unit": m.get("unit", ""), "series": [],
                                         "limits": []})
        if any(s["mn"] == station.mn for s in chart["series"]):
            continue
        points = list(Reading.objects.filter(
            station=station, factor__code=code, kind="rtd", time__gte=start, time__lte=end)
            .order_by("time").values_list("time", "value")[:CHART_POINTS])
        if not points:  # the readings attached when it was raised
            points = [(datetime.fromisoformat(r["time"]), r["value"])
                      for r in m.get("readings", [])]
        chart["series"].append({"mn": station.mn, "name": station.name, "data": [
            [int(t.timestamp() * 1000) + SHANGHAI_OFFSET_MS, v] for t, v in points]})
        if not chart["limits"]:
            chart["limits"] = [
                {"name": line["name"], "level": line["level"], "value": line["value"]}
                for line in selectors.limits_by_factor(station).get(code, [])]
            chart["unit"] = next((line["unit"] for line in selectors.limits_by_factor(
                station).get(code, [])), chart["unit"])
    wind = dict((alert.data or {}).get("wind") or {})
    if "direction" in wind:
        # The arrow points where the wind blows to (it is named by where it comes from).
        wind["arrow"] = (float(wind["direction"]) + 180) % 360
        wind["from_name"] = _compass(float(wind["direction"]))
    return {"template": "environment/_alert_panel.html", "rows": rows,
            "charts": list(charts.values()), "wind": wind,
            "stations": [stations[pk] for pk in sorted(visible)],
            "chart_config": {"charts": list(charts.values())}}


def _compass(degrees: float) -> str:
    names = [_("N"), _("NE"), _("E"), _("SE"), _("S"), _("SW"), _("W"), _("NW")]
    return names[int(((degrees % 360) + 22.5) // 45) % 8]
