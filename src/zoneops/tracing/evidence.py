"""The evidence of one trace, read from the database.

- **Readings**: every active station measuring the alarm's factor, over the window (from
  ``WINDOW_BEFORE`` before the alarm to ``WINDOW_AFTER`` after it, or now), of the alarm
  rule's reading kind. Values flagged D (fault), M (maintenance) or C (calibration) by the
  logger, or dated ahead of the platform's clock, are left out; everything else counts,
  zeros included. Values are converted to mg/m³. The background (the ``BACKGROUND_QUANTILE``
  of all kept values: most stations are not in the plume) is subtracted, so a station at
  background is a zero - strong evidence against a source upwind of it. An excess under
  ``NOISE_FRACTION`` of the background, or under ``RESOLUTION_MG_M3`` (below any gas
  analyser's resolution), is noise and counts as a zero too: without it a plume's far fringe
  (1e-10 mg/m³ in a simulation) would set the likelihood's detection floor.
- **Wind**: speed (a01007) and direction (a01008) of the ``MASTS`` nearest weather masts over
  the window; the direction is the speed-weighted vector mean ("from"), sigma-theta the
  Yamartino spread of all directions, the speed the mean.
- **Odour reports** within ``ODOUR_RADIUS_M`` of the alarm and inside the window: presence
  (intensity 1-5) or absence (0); folded duplicates count once.
- **Candidates**: every active release point of an active enterprise.

Positions go to local metres about the alarm's station (``LocalProjection``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.utils.translation import gettext_noop as N_

from zoneops.core.models import Alert
from zoneops.dispersion.geo import LocalProjection, distance_m
from zoneops.dispersion.inversion import Observations
from zoneops.dispersion.wind import vector_mean_direction, yamartino_sigma_theta
from zoneops.environment.models import AlarmRule, Factor, Reading, Station, StationFactor
from zoneops.environment.units import UnitError, conversion

from .models import OdourReport, ReleasePoint

WINDOW_BEFORE = timedelta(minutes=30)
WINDOW_AFTER = timedelta(minutes=30)
LEFT_OUT_FLAGS = ("D", "M", "C")
BACKGROUND_QUANTILE = 0.25
NOISE_FRACTION = 0.25
RESOLUTION_MG_M3 = 1e-4
STATION_HEIGHT_M = 3.0  # stations carry no inlet height; a typical ambient inlet
MASTS = 3
ODOUR_RADIUS_M = 5000.0
WIND_HEIGHT_M = 10.0


class NoEvidence(Exception):
    """What is missing, said to the duty officer on the trace (an English message id, shown
    translated)."""


@dataclass
class Evidence:
    projection: LocalProjection
    start: datetime
    end: datetime
    met: dict
    observations: Observations | None
    odour: np.ndarray | None
    candidates: list[ReleasePoint]
    candidate_xyh: np.ndarray
    origin_xy: tuple[float, float]
    data_until: datetime | None
    summary: dict = field(default_factory=dict)


def window(anchor: datetime, now: datetime) -> tuple[datetime, datetime]:
    return anchor - WINDOW_BEFORE, min(now, anchor + WINDOW_AFTER)


def _readings(factor_code: str, kind: str, start: datetime, end: datetime
              ) -> tuple[list[tuple[Station, float]], dict, datetime | None]:
    factor = Factor.objects.filter(code=factor_code).first()
    if factor is None:
        raise NoEvidence(N_("The alarm's factor is not registered."))
    units = dict(StationFactor.objects.filter(factor=factor, station__is_active=True)
                 .exclude(station__kind=Station.Kind.WEATHER)
                 .values_list("station_id", "unit"))
    stations = Station.objects.in_bulk(list(units))
    rows = (Reading.objects.filter(station_id__in=list(units), factor=factor, kind=kind,
                                   time__gte=start, time__lte=end)
            .values_list("station_id", "value", "flag", "qc", "time"))
    kept, left_out, newest = [], 0, None
    scale: dict[int, float] = {}
    for sid, unit in units.items():
        try:
            scale[sid] = conversion(factor_code, unit or factor.unit, "mg/m3")
        except (UnitError, KeyError):
            scale[sid] = math.nan
    for sid, value, flag, qc, at in rows.iterator(chunk_size=5000):
        newest = at if newest is None or at > newest else newest
        if (value is None or flag in LEFT_OUT_FLAGS or qc & Reading.QC_CLOCK_AHEAD
                or not math.isfinite(scale[sid])):
            left_out += 1
            continue
        kept.append((stations[sid], max(0.0, value * scale[sid])))
    return kept, {"left_out": left_out, "stations": len(units)}, newest


def _wind(origin: Station, start: datetime, end: datetime) -> dict:
    masts = sorted(Station.objects.filter(kind=Station.Kind.WEATHER, is_active=True),
                   key=lambda m: distance_m(origin.latitude, origin.longitude,
                                            m.latitude, m.longitude))[:MASTS]
    if not masts:
        raise NoEvidence(N_("No weather mast is registered."))
    rows = (Reading.objects.filter(station__in=masts, factor__code__in=("a01007", "a01008"),
                                   time__gte=start, time__lte=end)
            .exclude(flag__in=LEFT_OUT_FLAGS).exclude(value__isnull=True)
            .values_list("station_id", "time", "factor__code", "value"))
    pairs: dict[tuple[int, datetime], dict[str, float]] = {}
    for sid, at, code, value in rows:
        pairs.setdefault((sid, at), {})[code] = value
    speeds = [p["a01007"] for p in pairs.values() if "a01007" in p and "a01008" in p]
    dirs = [p["a01008"] for p in pairs.values() if "a01007" in p and "a01008" in p]
    if not dirs:
        raise NoEvidence(N_("No wind readings in the window."))
    try:
        direction = vector_mean_direction(dirs, [max(s, 0.1) for s in speeds])
    except ValueError as exc:
        raise NoEvidence(N_("The wind directions of the window cancel out.")) from exc
    return {"wind_speed_m_s": float(np.mean(speeds)), "wind_height_m": WIND_HEIGHT_M,
            "wind_from_deg": direction, "sigma_theta_deg": yamartino_sigma_theta(dirs),
            "stability": None, "masts": [m.mn for m in masts], "wind_samples": len(dirs)}


def _odour(origin_lat: float, origin_lon: float, start: datetime, end: datetime,
           projection: LocalProjection, only: list[int] | None = None
           ) -> tuple[np.ndarray | None, dict, datetime | None]:
    qs = OdourReport.objects.filter(folded_into__isnull=True)
    qs = qs.filter(pk__in=only) if only is not None else qs.filter(
        observed_at__gte=start, observed_at__lte=end)
    rows, newest = [], None
    for r in qs.only("latitude", "longitude", "intensity", "reported_at"):
        if only is None and distance_m(origin_lat, origin_lon, r.latitude,
                                       r.longitude) > ODOUR_RADIUS_M:
            continue
        x, y = projection.to_xy(r.longitude, r.latitude)
        rows.append((x, y, 1.0 if r.intensity > 0 else 0.0))
        newest = r.reported_at if newest is None or r.reported_at > newest else newest
    present = sum(1 for r in rows if r[2] > 0)
    summary = {"odour_present": present, "odour_absent": len(rows) - present}
    return (np.asarray(rows) if rows else None), summary, newest


def _candidates(projection: LocalProjection) -> tuple[list[ReleasePoint], np.ndarray]:
    points = list(ReleasePoint.objects.filter(is_active=True, enterprise__is_active=True)
                  .select_related("enterprise").order_by("pk"))
    if not points:
        raise NoEvidence(N_("No release points are registered."))
    xyh = np.array([(*projection.to_xy(p.longitude, p.latitude), p.height_m) for p in points])
    return points, xyh


def for_alarm(alert: Alert, factor_code: str, anchor: datetime, now: datetime) -> Evidence:
    """The evidence of an air-quality alarm at a station."""
    data = alert.data or {}
    origin = Station.objects.filter(pk=data.get("station_id")).first()
    if origin is None:
        raise NoEvidence(N_("The alarm names no station."))
    start, end = window(anchor, now)
    projection = LocalProjection(origin.longitude, origin.latitude)
    rule = AlarmRule.objects.filter(code=data.get("rule", "")).first()
    kind = rule.reading_kind if rule is not None else "rtd"
    kept, summary, newest = _readings(factor_code, kind, start, end)
    met = _wind(origin, start, end)
    observations = None
    if kept:
        values = np.array([v for _s, v in kept])
        background = float(np.quantile(values, BACKGROUND_QUANTILE))
        noise = max(NOISE_FRACTION * background, RESOLUTION_MG_M3)
        rows, coords = [], {}
        for station, value in kept:
            if station.pk not in coords:
                coords[station.pk] = projection.to_xy(station.longitude, station.latitude)
            x, y = coords[station.pk]
            excess = value - background
            rows.append((x, y, STATION_HEIGHT_M, excess if excess > noise else 0.0))
        if any(r[3] > 0 for r in rows):
            observations = Observations.from_rows(rows)
        summary.update(readings=len(rows), zeros=sum(1 for r in rows if r[3] == 0),
                       background_mg_m3=background, stations_with_data=len(coords))
    odour, odour_summary, odour_newest = _odour(origin.latitude, origin.longitude, start, end,
                                                projection)
    summary.update(odour_summary)
    if observations is None and odour is None:
        raise NoEvidence(N_("No reading above background and no odour report in the window."))
    points, xyh = _candidates(projection)
    newest = max([t for t in (newest, odour_newest) if t is not None], default=None)
    return Evidence(projection, start, end, met, observations, odour, points, xyh, (0.0, 0.0),
                    newest, {**summary, "kind": kind, "factor": factor_code})


def for_odour(alert: Alert, report_ids: list[int], anchor: datetime, now: datetime) -> Evidence:
    """The evidence of a cluster of odour reports (and the absences reported near it)."""
    reports = list(OdourReport.objects.filter(pk__in=report_ids))
    if not reports:
        raise NoEvidence(N_("The cluster has no reports."))
    lat = sum(r.latitude for r in reports) / len(reports)
    lon = sum(r.longitude for r in reports) / len(reports)
    projection = LocalProjection(lon, lat)
    start, end = window(anchor, now)
    nearest = min(Station.objects.filter(kind=Station.Kind.WEATHER, is_active=True),
                  key=lambda m: distance_m(lat, lon, m.latitude, m.longitude), default=None)
    if nearest is None:
        raise NoEvidence(N_("No weather mast is registered."))
    met = _wind(nearest, start, end)
    odour, summary, newest = _odour(lat, lon, start, end, projection)
    if odour is None or not (odour[:, 2] > 0).any():
        raise NoEvidence(N_("No odour report in the window."))
    points, xyh = _candidates(projection)
    return Evidence(projection, start, end, met, None, odour, points, xyh, (0.0, 0.0), newest,
                    summary)
