"""The chain's input: points (a directed graph with travel times) and their readings, checked
field by field. A bad value stops everything with one message naming the field and, for a
reading, its index in ``series``; nothing is computed from half-valid input."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

import numpy as np

KINDS = ("source", "network", "plant_inlet", "plant_outlet", "outfall", "river")
# Pollutant name (as reported) → the reading's field. Concentrations in mg/L.
POLLUTANTS = {"COD": "cod_mg_l", "NH3-N": "nh3n_mg_l", "TP": "tp_mg_l", "TN": "tn_mg_l"}
REQUIRED_VALUES = ("flow_l_s", "cod_mg_l", "nh3n_mg_l")
OPTIONAL_VALUES = ("tp_mg_l", "tn_mg_l", "conductivity_us_cm", "ph")
# HJ 212-2017 Table 8 data flags. Only N (normal) and T (over the measuring range: the value
# is a lower bound) carry a measurement; F/M/S/D/C/B are data-quality events, so their
# values are gaps, never zeros.
FLAGS = "NTFMSDCB"
MEASURED_FLAGS = 2  # N and T come first in FLAGS
FLAG_T = FLAGS.index("T")
CLASSES = ("I", "II", "III", "IV", "V")
MAX_HOURS = 5 * 366 * 24  # one request covers at most five years of hours


class ChainError(ValueError):
    """Bad input; the message names the field (``series[12].flow_l_s: …``)."""


@dataclass(frozen=True)
class Point:
    id: str
    kind: str
    downstream: str | None = None
    travel_minutes: float = 0.0
    limits: dict[str, float] = field(default_factory=dict)  # 纳管/contract limits, mg/L
    limit_set: str | None = None  # a set from data/limits.json
    target_class: str | None = None  # river sections: GB 3838 target class
    water_body: str = "river"  # river | lake (GB 3838 TP and TN differ)


@dataclass
class Chain:
    points: list[Point]
    # One entry per reading, columns in input order.
    point_index: np.ndarray  # int32 index into points
    seconds: np.ndarray  # int64 Unix seconds
    values: dict[str, np.ndarray]  # field → float64, NaN where null or absent
    flags: np.ndarray  # uint8 index into FLAGS
    utc_offset: timedelta = timedelta(0)  # of the first reading: how results are written

    def index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.points)}


def _number(value: Any, where: str, *, minimum: float | None = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ChainError(f"{where}: must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ChainError(f"{where}: must be ≥ {minimum:g}, got {value!r}")
    return float(value)


def _point(raw: Any, i: int, limit_sets: set[str]) -> Point:
    where = f"points[{i}]"
    if not isinstance(raw, dict):
        raise ChainError(f"{where}: must be an object")
    pid = raw.get("id")
    if not isinstance(pid, str) or not pid.strip():
        raise ChainError(f"{where}.id: required, a non-empty string")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ChainError(f"{where}.kind: must be one of {', '.join(KINDS)}, got {kind!r}")
    downstream = raw.get("downstream")
    if downstream is not None and (not isinstance(downstream, str) or not downstream):
        raise ChainError(f"{where}.downstream: must be a point id, got {downstream!r}")
    travel = raw.get("travel_minutes")
    travel = 0.0 if travel is None else _number(travel, f"{where}.travel_minutes")
    limits = raw.get("limits") or {}
    if not isinstance(limits, dict):
        raise ChainError(f"{where}.limits: must be an object of pollutant → mg/L")
    checked = {}
    for name, value in limits.items():
        if name not in POLLUTANTS:
            raise ChainError(f"{where}.limits.{name}: unknown pollutant "
                             f"(use {', '.join(POLLUTANTS)})")
        checked[name] = _number(value, f"{where}.limits.{name}", minimum=None)
        if checked[name] <= 0:
            raise ChainError(f"{where}.limits.{name}: must be > 0, got {value!r}")
    limit_set = raw.get("limit_set")
    if limit_set is not None and limit_set not in limit_sets:
        raise ChainError(f"{where}.limit_set: unknown set {limit_set!r} "
                         f"(known: {', '.join(sorted(limit_sets))})")
    target = raw.get("target_class")
    if target is not None and target not in CLASSES:
        raise ChainError(f"{where}.target_class: must be one of {', '.join(CLASSES)}, "
                         f"got {target!r}")
    body = raw.get("water_body", "river")
    if body not in ("river", "lake"):
        raise ChainError(f"{where}.water_body: must be river or lake, got {body!r}")
    return Point(pid, kind, downstream, travel, checked, limit_set, target, body)


def _check_graph(points: list[Point]) -> None:
    ids: dict[str, int] = {}
    for i, p in enumerate(points):
        if p.id in ids:
            raise ChainError(f"points[{i}].id: {p.id!r} is already points[{ids[p.id]}]")
        ids[p.id] = i
    for i, p in enumerate(points):
        if p.downstream is None:
            continue
        if p.downstream not in ids:
            raise ChainError(f"points[{i}].downstream: no point {p.downstream!r}")
        if p.downstream == p.id:
            raise ChainError(f"points[{i}].downstream: a point cannot flow into itself")
    by_id = {p.id: p for p in points}
    for i, p in enumerate(points):  # each point has one downstream: a cycle is a loop
        seen = {p.id}
        node = p
        while node.downstream is not None:
            node = by_id[node.downstream]
            if node.id in seen:
                raise ChainError(f"points[{i}].downstream: the chain loops back to {p.id!r}")
            seen.add(node.id)


def parse_chain(data: Any, limit_sets: set[str] | frozenset[str] = frozenset()) -> Chain:
    """Check and convert the CHAIN document (see docs/user-guide/water.md)."""
    if not isinstance(data, dict):
        raise ChainError("input: must be a JSON object with points and series")
    raw_points = data.get("points")
    if not isinstance(raw_points, list) or not raw_points:
        raise ChainError("points: required, a non-empty list")
    points = [_point(raw, i, set(limit_sets)) for i, raw in enumerate(raw_points)]
    _check_graph(points)
    raw_series = data.get("series")
    if not isinstance(raw_series, list):
        raise ChainError("series: required, a list of readings")
    return _series(points, raw_series)


_NUMBER_TYPES = {int, float, type(None)}


def _series(points: list[Point], rows: list) -> Chain:
    """Column by column when every value has the right type (a year of 50 points in a
    second or two); otherwise reading by reading, to name the first bad field."""
    fast = _series_by_column(points, rows)
    return fast if fast is not None else _series_by_row(points, rows)


def _series_by_column(points: list[Point], rows: list) -> Chain | None:
    if not rows or set(map(type, rows)) != {dict}:
        return None
    ids = {p.id: i for i, p in enumerate(points)}
    names = [r.get("point") for r in rows]
    if set(map(type, names)) != {str}:
        return None
    index = [ids.get(x) for x in names]
    if None in index:
        return None
    texts = [r.get("time") for r in rows]
    if set(map(type, texts)) != {str}:
        return None
    parsed = {}
    for text in set(texts):
        try:
            parsed[text] = _time(text, 0)
        except ChainError:
            return None
    flag_codes = {f: i for i, f in enumerate(FLAGS)}
    flag_list = [r.get("flag") for r in rows]
    if set(map(type, flag_list)) != {str}:
        return None
    codes = [flag_codes.get(x) for x in flag_list]
    if None in codes:
        return None
    values = {}
    for name in REQUIRED_VALUES + OPTIONAL_VALUES:
        if name in REQUIRED_VALUES:
            try:
                column = list(map(itemgetter(name), rows))
            except KeyError:
                return None
        else:
            column = [r.get(name) for r in rows]
        if not set(map(type, column)) <= _NUMBER_TYPES:  # bool, str …
            return None
        array = np.array(column, dtype=np.float64)  # None → NaN
        missing = np.isnan(array)
        if int(missing.sum()) != column.count(None) or np.isinf(array).any():
            return None  # a NaN or an infinity was sent
        if name != "ph" and (array < 0).any():
            return None
        values[name] = array
    point_index = np.array(index, dtype=np.int32)
    seconds = np.array([parsed[t][0] for t in texts], dtype=np.int64)
    _check_duplicates(points, point_index, seconds)
    if (seconds.max() - seconds.min()) // 3600 > MAX_HOURS:
        raise ChainError(f"series: spans more than {MAX_HOURS} hours; send at most five years")
    return Chain(points, point_index, seconds, values, np.array(codes, dtype=np.uint8),
                 parsed[texts[0]][1])


def _series_by_row(points: list[Point], rows: list) -> Chain:
    ids = {p.id: i for i, p in enumerate(points)}
    n = len(rows)
    point_index = np.empty(n, dtype=np.int32)
    seconds = np.empty(n, dtype=np.int64)
    flags = np.empty(n, dtype=np.uint8)
    columns = {name: [math.nan] * n for name in REQUIRED_VALUES + OPTIONAL_VALUES}
    times: dict[str, tuple[int, timedelta]] = {}  # a year of 50 points repeats each time 50×
    flag_codes = {f: i for i, f in enumerate(FLAGS)}
    offset = None
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ChainError(f"series[{i}]: must be an object")
        pid = row.get("point")
        k = ids.get(pid) if isinstance(pid, str) else None
        if k is None:
            raise ChainError(f"series[{i}].point: no point {pid!r} in points")
        point_index[i] = k
        text = row.get("time")
        parsed = times.get(text) if isinstance(text, str) else None
        if parsed is None:
            parsed = _time(text, i)
            times[text] = parsed
        seconds[i] = parsed[0]
        if offset is None:
            offset = parsed[1]
        flag = row.get("flag")
        code = flag_codes.get(flag) if isinstance(flag, str) else None
        if code is None:
            raise ChainError(f"series[{i}].flag: required, one of the HJ 212 data flags "
                             f"{'/'.join(FLAGS)}, got {flag!r}")
        flags[i] = code
        for name in REQUIRED_VALUES:
            if name not in row:
                raise ChainError(f"series[{i}].{name}: required (null when not measured)")
            value = row[name]
            if value is not None:
                columns[name][i] = _value(value, i, name)
        for name in OPTIONAL_VALUES:
            value = row.get(name)
            if value is not None:
                columns[name][i] = _value(value, i, name)
    _check_duplicates(points, point_index, seconds)
    if n and (seconds.max() - seconds.min()) // 3600 > MAX_HOURS:
        raise ChainError(f"series: spans more than {MAX_HOURS} hours; send at most five years")
    values = {name: np.asarray(col, dtype=np.float64) for name, col in columns.items()}
    return Chain(points, point_index, seconds, values, flags, offset or timedelta(0))


def _value(value: Any, i: int, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ChainError(f"series[{i}].{name}: must be a number or null, got {value!r}")
    if not math.isfinite(value) or (value < 0 and name != "ph"):
        raise ChainError(f"series[{i}].{name}: must be a finite number ≥ 0, got {value!r}")
    return float(value)


def _time(text: Any, i: int) -> tuple[int, timedelta]:
    if not isinstance(text, str):
        raise ChainError(f"series[{i}].time: required, ISO 8601 with a UTC offset "
                         f"(2026-12-01T01:00:00+08:00)")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ChainError(f"series[{i}].time: not an ISO 8601 time: {text!r}") from None
    offset = when.utcoffset()
    if offset is None:
        raise ChainError(f"series[{i}].time: needs a UTC offset (…+08:00), got {text!r}")
    return math.floor(when.timestamp()), offset


def _check_duplicates(points: list[Point], point_index: np.ndarray, seconds: np.ndarray) -> None:
    if len(seconds) < 2:
        return
    order = np.lexsort((seconds, point_index))
    same = (np.diff(point_index[order]) == 0) & (np.diff(seconds[order]) == 0)
    if same.any():
        j = int(np.argmax(same))
        first, second = sorted((int(order[j]), int(order[j + 1])))
        raise ChainError(f"series[{second}].time: a second reading for point "
                         f"{points[point_index[second]].id!r} at that time "
                         f"(series[{first}] has it)")
