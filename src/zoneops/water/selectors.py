"""Reads of the water module: the chain and its stations' stored HJ 212 water readings as the
balance engine's CHAIN document."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from zoneops.environment.models import Factor, Reading

from .balance.chain import FLAGS
from .models import WaterPoint

BEIJING = ZoneInfo("Asia/Shanghai")
# HJ 212-2017 water codes → the engine's fields (flow L/s, concentrations mg/L, µS/cm).
FACTORS = {"w00000": "flow_l_s", "w01018": "cod_mg_l", "w21003": "nh3n_mg_l",
           "w21011": "tp_mg_l", "w21001": "tn_mg_l", "w01014": "conductivity_us_cm",
           "w01001": "ph"}
MEASURED = ("N", "T")


def chain_points() -> list[WaterPoint]:
    return list(WaterPoint.objects.select_related("downstream", "station"))


def chain_document(start: datetime, end: datetime, kind: str = "hour") -> dict:
    """Every point, and the readings of kind ``kind`` in [start, end) of the stations that
    measure them, one series row per station and time. A value flagged other than N or T
    becomes null (a gap); the row carries the flow's flag when the flow is such a gap, so
    the engine can name it, else T when a value used is over range, else N."""
    points = chain_points()
    return {"points": [p.as_chain_point() for p in points],
            "series": _series(points, start, end, kind)}


def points_document(points: list[WaterPoint], start: datetime, end: datetime,
                    kind: str = "hour") -> dict:
    """Like chain_document, for some points only, each standing alone (no downstream): what
    the loads of one enterprise's own points need (the emission-rights module)."""
    alone = [{k: v for k, v in p.as_chain_point().items() if k != "downstream"}
             for p in points]
    return {"points": alone, "series": _series(points, start, end, kind)}


def _series(points: list[WaterPoint], start: datetime, end: datetime, kind: str) -> list:
    code_of = {p.station_id: p.code for p in points if p.station_id}
    field_of = dict(Factor.objects.filter(code__in=FACTORS).values_list("id", "code"))
    field_of = {i: FACTORS[c] for i, c in field_of.items()}
    rows: dict[tuple[int, datetime], dict] = defaultdict(dict)
    flags: dict[tuple[int, datetime], str] = {}
    readings = (Reading.objects.filter(station_id__in=code_of, factor_id__in=field_of,
                                       kind=kind, time__gte=start, time__lt=end)
                .values_list("station_id", "factor_id", "time", "value", "flag"))
    for station_id, factor_id, time, value, flag in readings:
        key = (station_id, time)
        name = field_of[factor_id]
        rows[key][name] = value if flag in MEASURED else None
        if name == "flow_l_s" and flag not in MEASURED and flag in FLAGS:
            flags[key] = flag
        elif flag == "T" and key not in flags:
            flags[key] = "T"
    series = []
    for (station_id, time), values in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        series.append({"point": code_of[station_id],
                       "time": time.astimezone(BEIJING).isoformat(),
                       **{f: values.get(f) for f in FACTORS.values()},
                       "flag": flags.get((station_id, time), "N")})
    return series
