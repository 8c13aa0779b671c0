"""Reads of the water module: the chain (scoped), and its stations' stored HJ 212 water
readings as the balance engine's CHAIN document. Which code feeds which field is data
(``data/codes.json``): the w codes, and the plant's e1xxyy/e2xxyy process codes."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from zoneops.environment.models import Factor, Reading

from .balance.chain import FLAGS
from .models import WaterPoint
from .permissions import POINTS

BEIJING = ZoneInfo("Asia/Shanghai")
CODES = Path(__file__).resolve().parent / "data" / "codes.json"
MEASURED = ("N", "T")


@lru_cache(maxsize=1)
def code_table() -> dict:
    with open(CODES, encoding="utf-8") as f:
        return json.load(f)


# HJ 212-2017 water codes → the engine's fields (flow L/s, concentrations mg/L, µS/cm).
FACTORS: dict[str, str] = dict(code_table()["water"])
_PROCESS = re.compile(r"e([12])(\d\d)(\d\d)")


def fields_for(kind: str, code: str) -> tuple[str, tuple] | None:
    """The engine field a factor code feeds at a point of ``kind``, with its priority (lower
    wins): the plant's own process code first, then the w code."""
    process = code_table()["process"]
    match = _PROCESS.fullmatch(code)
    if match is not None:
        side, quantity, point = match.groups()
        field = process["quantity"].get(quantity)
        if field is None or process["prefix"].get(kind) != f"e{side}":
            return None
        return field, (0, int(point))
    field = FACTORS.get(code)
    return (field, (1, 0)) if field else None


def points_for(user) -> QuerySet[WaterPoint]:
    """The points this person may see (an enterprise contact: its own)."""
    return POINTS.restrict(user, "view").select_related(
        "downstream", "station", "enterprise", "unit")


def chain_points() -> list[WaterPoint]:
    return list(WaterPoint.objects.select_related("downstream", "station"))


def chain_document(start: datetime, end: datetime, kind: str = "hour",
                   points: list[WaterPoint] | None = None) -> dict:
    """Every point, and the readings of kind ``kind`` in [start, end) of the stations that
    measure them, one series row per point and time. A value flagged other than N or T
    becomes null (a gap); the row carries the flow's flag when the flow is such a gap, so
    the engine can name it, else T when a value used is over range, else N."""
    points = chain_points() if points is None else points
    factors = dict(Factor.objects.filter(
        Q(code__in=FACTORS) | Q(code__startswith="e1") | Q(code__startswith="e2"))
        .values_list("id", "code"))
    routes: dict[tuple[int, int], list[tuple[str, str, tuple]]] = defaultdict(list)
    for p in points:
        if p.station_id is None:
            continue
        for factor_id, code in factors.items():
            found = fields_for(p.kind, code)
            if found is not None:
                routes[(p.station_id, factor_id)].append((p.code, *found))
    stations = {s for s, _f in routes}
    rows: dict[tuple[str, datetime], dict] = defaultdict(dict)
    rank: dict[tuple[str, datetime, str], tuple] = {}
    flags: dict[tuple[str, datetime], str] = {}
    readings = (Reading.objects.filter(station_id__in=stations, factor_id__in=factors,
                                       kind=kind, time__gte=start, time__lt=end)
                .values_list("station_id", "factor_id", "time", "value", "flag"))
    for station_id, factor_id, time, value, flag in readings.iterator(chunk_size=5000):
        for code, name, priority in routes.get((station_id, factor_id), ()):
            key = (code, time)
            if rank.get((code, time, name), (9,)) <= priority:
                continue
            rank[(code, time, name)] = priority
            rows[key][name] = value if flag in MEASURED else None
            if name == "flow_l_s" and flag not in MEASURED and flag in FLAGS:
                flags[key] = flag
            elif flag == "T" and key not in flags:
                flags[key] = "T"
    fields = (*dict.fromkeys(FACTORS.values()),)
    series = []
    for (code, time), values in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        series.append({"point": code, "time": time.astimezone(BEIJING).isoformat(),
                       **{f: values.get(f) for f in fields},
                       "flag": flags.get((code, time), "N")})
    return {"points": [p.as_chain_point() for p in points], "series": series}



def points_document(points: list[WaterPoint], start: datetime, end: datetime,
                    kind: str = "hour") -> dict:
    """Like chain_document, for some points only, each standing alone (no downstream): what
    the loads of one enterprise's own points need (the emission-rights module)."""
    document = chain_document(start, end, kind, points)
    document["points"] = [{k: v for k, v in p.items() if k != "downstream"}
                          for p in document["points"]]
    return document

# --- what the pages show --------------------------------------------------------------------

STATE_OF_KIND = {"unexplained_load": 3, "missing_load": 3, "shock_load": 3,
                 "limit_exceeded": 3, "removal_drop": 2, "data_quality": 1}


class Window:
    """The whole chain's readings over [start, end) through the engine: tables for the
    pages and the anomaly episodes. The balance always uses every point (a node's upstream
    may lie outside a person's scope); what a person is shown is filtered by the views."""

    def __init__(self, start: datetime, end: datetime, kind: str = "hour") -> None:
        from .balance import balance, parse_chain
        from .balance.limits import set_names
        from .balance.tables import tables

        self.start, self.end = start, end
        self.points = chain_points()
        self.by_code = {p.code: p for p in self.points}
        if not self.points:
            self.tables, self.anomalies = None, []
            return
        chain = parse_chain(chain_document(start, end, kind, self.points), set_names())
        self.tables = tables(chain)
        self.anomalies = balance(chain)

    def state(self, code: str) -> int:
        """0 normal, 1 data quality, 2 plant efficiency, 3 a finding; -1 no data at all."""
        if self.tables is None or not self.tables.grid.hours:
            return -1
        i = self.tables.index(code)
        if not self.tables.grid.monitored[i]:
            return -1
        return max((STATE_OF_KIND[a.kind] for a in self.anomalies if a.point == code),
                   default=0)

    def latest(self, code: str) -> dict:
        """The point's last hour with a COD load or concentration: time, flow, COD
        concentration, load and residual against upstream."""
        import numpy as np

        t = self.tables
        if t is None or not t.grid.hours:
            return {}
        i = t.index(code)
        cod = t.grid.pollutants["COD"]
        seen = np.flatnonzero(np.isfinite(cod.load[i]) | np.isfinite(cod.conc[i]))
        if not len(seen):
            return {}
        h = int(seen[-1])

        def value(x: float) -> float | None:
            return round(float(x), 3) if np.isfinite(x) else None

        return {"time": t.hour(h).strftime("%Y-%m-%d %H:%M"), "flow_l_s": value(cod.flow[i, h]),
                "cod_mg_l": value(cod.conc[i, h]), "cod_kg_h": value(cod.load[i, h]),
                "residual_kg_h": value(cod.load[i, h] - t.expected["COD"][i, h])}


def visible_codes(user) -> set[str]:
    return set(points_for(user).values_list("code", flat=True))
