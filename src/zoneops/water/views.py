"""Pages of the wastewater chain: the live chain (schematic and map), a point's loads with
residuals and limits, the daily balance table, the monthly water report (xlsx, docx) and
the hourly export. Every figure comes from the balance engine over the stored readings; a
person sees the points in their scope (an enterprise contact: its own)."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zoneops.core.selectors import places_geojson
from zoneops.core.userfiles import content_disposition

from . import permissions as perm
from . import report, selectors, texts
from .balance.chain import POLLUTANTS
from .balance.limits import CHAIN_LIMIT, limits_for
from .models import WaterPoint
from .selectors import BEIJING, Window
from .services import KIND_LABELS

LIVE_HOURS = 72


def _require(request: HttpRequest) -> None:
    if not perm.can_use(request.user):
        raise PermissionDenied


def _point(request: HttpRequest, pk: int) -> WaterPoint:
    return perm.POINTS.get(request.user, pk=pk, queryset=selectors.points_for(request.user))


def _until(request: HttpRequest) -> datetime:
    """The end of the window: ?until=YYYY-MM-DD (that day's end, Beijing time) or the next
    full hour from now."""
    text = request.GET.get("until")
    if text:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise _BadInput(_("until: not a date (YYYY-MM-DD): %(value)s") % {"value": text}
                            ) from None
        return datetime.combine(day + timedelta(days=1), datetime.min.time(), BEIJING)
    now = timezone.now().astimezone(BEIJING)
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


class _BadInput(ValueError):
    pass


def _bad(exc: Exception) -> HttpResponse:
    return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")


def _anomaly(a, points: dict[str, WaterPoint]) -> dict[str, Any]:
    point = points.get(a.point)
    return {"point": a.point, "name": point.name if point else a.point,
            "url": reverse("water-point", args=[point.pk]) if point else "",
            "kind": a.kind, "kind_label": str(KIND_LABELS[a.kind]), "pollutant": a.pollutant,
            "start": a.start.strftime("%Y-%m-%d %H:%M"), "end": a.end.strftime("%Y-%m-%d %H:%M"),
            "residual_kg_h": a.residual_kg_h, "score": a.score, "why": texts.why(a)}


def status_data(user, until: datetime) -> dict[str, Any]:
    """The chain as this person may see it: points with position, downstream, travel time,
    state and latest values; edges; the anomalies of the last LIVE_HOURS hours."""
    window = Window(until - timedelta(hours=LIVE_HOURS), until)
    visible = selectors.visible_codes(user)
    points = []
    for p in window.points:
        if p.code not in visible:
            continue
        where = p.location()
        points.append({
            "code": p.code, "name": p.name, "kind": p.kind,
            "kind_label": str(WaterPoint.Kind(p.kind).label),
            "downstream": p.downstream.code if p.downstream_id and p.downstream.code in visible
            else None,
            "travel_minutes": p.travel_minutes, "monitored": p.station_id is not None,
            "target_class": p.target_class, "state": window.state(p.code),
            "lat": where[0] if where else None, "lon": where[1] if where else None,
            "url": reverse("water-point", args=[p.pk]), "latest": window.latest(p.code)})
    anomalies = [_anomaly(a, window.by_code) for a in window.anomalies
                 if a.point in visible and a.kind != "data_quality"]
    gaps = [_anomaly(a, window.by_code) for a in window.anomalies
            if a.point in visible and a.kind == "data_quality"]
    return {"from": window.start.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            "to": window.end.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            "points": points, "anomalies": anomalies, "gaps": gaps[:50]}


@require_GET
def chain(request: HttpRequest) -> HttpResponse:
    _require(request)
    try:
        until = _until(request)
    except _BadInput as exc:
        return _bad(exc)
    return render(request, "water/chain.html", {
        "status": status_data(request.user, until), "places": places_geojson(),
        "config": {"tile_url": settings.ZONEOPS_TILE_URL,
                   "status_url": reverse("water-status") + (
                       f"?until={request.GET['until']}" if request.GET.get("until") else ""),
                   "labels": {"travel": _("min"), "no_monitor": _("no monitor"),
                              "normal": _("normal")}},
    })


@require_GET
def status(request: HttpRequest) -> JsonResponse:
    _require(request)
    try:
        until = _until(request)
    except _BadInput as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(status_data(request.user, until))


def _days_param(request: HttpRequest, default: int = 7) -> int:
    text = request.GET.get("days", str(default))
    if not text.isdigit() or not 1 <= int(text) <= 62:
        raise _BadInput(_("days: a whole number from 1 to 62"))
    return int(text)


@require_GET
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point(request, pk)
    try:
        until, days = _until(request), _days_param(request)
    except _BadInput as exc:
        return _bad(exc)
    window = Window(until - timedelta(days=days), until)
    from .balance.tables import daily_rows, river_classes

    chain_point = window.tables.chain.points[window.tables.index(point.code)]
    limits = limits_for(chain_point)
    return render(request, "water/point_detail.html", {
        "point": point, "days": days, "until": request.GET.get("until", ""),
        "daily": daily_rows(window.tables, point.code),
        "classes": river_classes(window.tables, point.code) if point.kind == "river" else None,
        "limits": [{"pollutant": k, "value": v.value_mg_l,
                    "label": _(v.label) if v.label == CHAIN_LIMIT else v.label,
                    "averaging": v.averaging} for k, v in limits.items()],
        "anomalies": [_anomaly(a, window.by_code) for a in window.anomalies
                      if a.point == point.code],
        "has_upstream": bool(window.tables.has_upstream[window.tables.index(point.code)]),
        "pollutants": list(POLLUTANTS),
        "series_url": reverse("water-series", args=[point.pk]) + "?" + request.GET.urlencode(),
        "export_url": reverse("water-export", args=[point.pk]) + "?" + request.GET.urlencode(),
    })


@require_GET
def series(request: HttpRequest, pk: int) -> JsonResponse:
    """Hourly load, expected load and residual per pollutant, concentrations and the limits
    (for the point page's charts)."""
    point = _point(request, pk)
    try:
        until, days = _until(request), _days_param(request)
    except _BadInput as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    window = Window(until - timedelta(days=days), until)
    from .balance.tables import hourly_rows

    rows = hourly_rows(window.tables, point.code)
    chain_point = window.tables.chain.points[window.tables.index(point.code)]
    out: dict[str, Any] = {"times": [r["time"].strftime("%Y-%m-%d %H:%M") for r in rows],
                           "flow_l_s": [r["flow_l_s"] for r in rows], "pollutants": {},
                           "limits": {k: v.value_mg_l for k, v in limits_for(chain_point).items()}}
    for name in POLLUTANTS:
        out["pollutants"][name] = {key: [r["pollutants"][name][key] for r in rows] for key in
                                   ("load_kg_h", "expected_kg_h", "residual_kg_h",
                                    "conc_mg_l", "coverage")}
    return JsonResponse(out)


@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The point's hourly loads as CSV (gaps left empty, never zero)."""
    point = _point(request, pk)
    try:
        until, days = _until(request), _days_param(request)
    except _BadInput as exc:
        return _bad(exc)
    window = Window(until - timedelta(days=days), until)
    from zoneops.core.cells import csv_row

    from .balance.tables import hourly_rows

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="water-{point.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    head = [_("time"), _("point"), _("flow (L/s)")]
    for name in POLLUTANTS:
        head += [f"{name} mg/L", f"{name} kg/h", f"{name} " + _("coverage"),
                 f"{name} " + _("expected kg/h"), f"{name} " + _("residual kg/h")]
    writer.writerow(head)
    for r in hourly_rows(window.tables, point.code):
        line = [r["time"].strftime("%Y-%m-%d %H:%M"), point.code, r["flow_l_s"]]
        for name in POLLUTANTS:
            c = r["pollutants"][name]
            line += [c["conc_mg_l"], c["load_kg_h"], c["coverage"], c["expected_kg_h"],
                     c["residual_kg_h"]]
        writer.writerow(csv_row("" if v is None else v for v in line))
    return response


@require_GET
def balance_table(request: HttpRequest) -> HttpResponse:
    """The daily balance: per node, day and pollutant, measured against expected."""
    _require(request)
    try:
        until, days = _until(request), _days_param(request)
    except _BadInput as exc:
        return _bad(exc)
    window = Window(until - timedelta(days=days), until)
    pollutant = request.GET.get("pollutant", "COD")
    if pollutant not in POLLUTANTS:
        return _bad(_("pollutant: one of %(names)s") % {"names": ", ".join(POLLUTANTS)})
    rows = report.balance_rows(window, selectors.visible_codes(request.user), pollutant)
    return render(request, "water/balance.html", {
        "rows": rows, "pollutant": pollutant, "pollutants": list(POLLUTANTS), "days": days,
        "until": request.GET.get("until", ""),
        "tolerance": round(window.tables.settings.tolerance * 100) if window.tables else 14})


def _month(request: HttpRequest) -> tuple[int, int]:
    text = request.GET.get("month")
    if not text:
        today = timezone.now().astimezone(BEIJING).date()
        return today.year, today.month
    try:
        year, month = (int(x) for x in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise _BadInput(_("month: YYYY-MM, got %(value)s") % {"value": text}) from None
    return year, month


@require_GET
def monthly(request: HttpRequest) -> HttpResponse:
    _require(request)
    try:
        year, month = _month(request)
    except _BadInput as exc:
        return _bad(exc)
    data = report.monthly(request.user, year, month)
    return render(request, "water/monthly.html", {
        "report": data, "month": f"{year:04d}-{month:02d}",
        "anomaly_whys": [texts.why(a) for a in data["anomalies"]]})


def _monthly_file(request: HttpRequest, build, extension: str, content_type: str
                  ) -> HttpResponse:
    _require(request)
    try:
        year, month = _month(request)
    except _BadInput as exc:
        return _bad(exc)
    response = HttpResponse(build(report.monthly(request.user, year, month)),
                            content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        _("water-report-%(month)s") % {"month": f"{year:04d}-{month:02d}"} + f".{extension}")
    return response


@require_GET
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    return _monthly_file(request, report.monthly_xlsx, "xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@require_GET
def monthly_docx(request: HttpRequest) -> HttpResponse:
    return _monthly_file(request, report.monthly_docx, "docx",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
