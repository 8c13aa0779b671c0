"""Air-quality pages from the zone's own stations: the month calendar and one day (thin: the
figures come from air_selectors)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from . import air_selectors, aqi, permissions


def _month(request: HttpRequest) -> tuple[int, int] | None:
    """?month=YYYY-MM, default this month (Beijing time); None when unusable."""
    text = request.GET.get("month")
    if not text:
        today = timezone.localdate()
        return today.year, today.month
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        return None
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def _shift(year: int, month: int, by: int) -> str:
    n = year * 12 + month - 1 + by
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def air_month(request: HttpRequest) -> HttpResponse:
    """A month's calendar coloured by the zone's daily AQI category, with the month's and the
    year-to-date 优良率, O3 8-h 90th percentile and PM2.5 mean."""
    from django.utils.translation import gettext as _

    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    chosen = _month(request)
    if chosen is None:
        return HttpResponseBadRequest(_("month: use YYYY-MM, e.g. 2026-03, year 2000–2100"))
    year, month = chosen
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    today = timezone.localdate()
    end = min(last, today) if first <= today else last
    ytd = air_selectors.zone_days(date(year, 1, 1), end)
    by_day = {d.day: d for d in ytd}
    colours = air_selectors.category_colours()
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for day in week:
            zone_day = by_day.get(day) if day.month == month else None
            result = zone_day.result if zone_day else None
            cells.append({"day": day, "in_month": day.month == month, "future": day > today,
                          "zone": zone_day, "result": result,
                          "colour": colours.get(result.category) if result else None})
        weeks.append(cells)
    month_days = [d for d in ytd if d.day.month == month]
    return render(request, "indicators/air_month.html", {
        "year": year, "month": month, "weeks": weeks,
        "weekdays": [WEEKDAYS_ABBR[n] for n in range(7)],
        "month_summary": air_selectors.summarise(month_days),
        "ytd_summary": air_selectors.summarise(ytd), "ytd_end": end,
        "previous": _shift(year, month, -1), "next": _shift(year, month, 1),
        "legend": [{**c, **colours.get(c["name"], {})} for c in aqi.table()["categories"]],
        "stations": air_selectors.air_stations(),
    })


def _shown(name: str, value: float | None) -> str:
    """µg/m³ to one decimal, CO (mg/m³) to two: enough to follow the IAQI."""
    if value is None:
        return "—"
    return f"{value:.2f}" if name == "CO" else f"{value:.1f}"


def air_day(request: HttpRequest, day: str) -> HttpResponse:
    """Each station's 24-hour means (O3: daily max 8-hour), IAQI per pollutant, AQI, primary
    pollutant and valid hours on one day, and the zone's day they make."""
    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    try:
        when = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    zone_day = air_selectors.zone_days(when, when)[0]
    names = list(air_selectors.pollutant_codes())
    spec = aqi.table()["pollutants"]
    colours = air_selectors.category_colours()
    rows = []
    for sd in zone_day.station_days:
        result, iaqi = sd.result, sd.iaqi()
        rows.append({"station": sd.station, "result": result,
                     "colour": colours.get(result.category) if result else None,
                     "cells": [{"name": n, "mean": sd.means[n], "hours": sd.hours[n],
                                "shown": _shown(n, sd.means[n].value),
                                "iaqi": iaqi.get(n)} for n in names]})
    zone = zone_day.result
    return render(request, "indicators/air_day.html", {
        "day": when, "rows": rows, "zone_day": zone_day, "zone": zone,
        "zone_colour": colours.get(zone.category) if zone else None,
        "zone_cells": [{"name": n, "value": zone_day.concentrations.get(n),
                        "shown": _shown(n, zone_day.concentrations.get(n)),
                        "stations": zone_day.stations.get(n, 0),
                        "iaqi": zone.iaqi.get(n) if zone else None} for n in names],
        "pollutants": [{"name": n, "unit": spec[n]["unit"], "averaging": spec[n]["averaging"]}
                       for n in names],
        "previous": when - timedelta(days=1), "next": when + timedelta(days=1),
    })
