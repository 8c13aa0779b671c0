"""What the pages show, computed by the engine's own rules (pure, NumPy): per point and
pollutant the hourly load with its coverage, the load expected from the monitored upstream
points (shifted by their travel times) and the residual; per local day the summed loads with
their coverage and the balance (in = out ± tolerance); per river section the GB 3838 class.

A day's load is the sum of its hourly loads (each Σ flow × concentration × Δt, never mean ×
mean). Gaps (flagged or missing readings, hours under the coverage minimum) are never zeros:
a day with fewer valid hours than ``Settings.min_coverage`` has no load, and one above it is
scaled from the hours it has (``coverage`` says how many).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np

from .chain import POLLUTANTS, Chain
from .engine import Settings, upstream_map
from .limits import load_sets
from .loads import Grid, hourly, shifted

CLASSES = ("I", "II", "III", "IV", "V")
WORSE_THAN_V = "劣V"


@dataclass
class Tables:
    chain: Chain
    grid: Grid
    settings: Settings
    tz: timezone
    # pollutant → (points, hours) kg/h expected from upstream (NaN: no complete upstream)
    expected: dict[str, np.ndarray]
    has_upstream: np.ndarray  # (points,) bool: a node with monitored points above it

    def index(self, point_id: str) -> int:
        return self.chain.index()[point_id]

    def hour(self, h: int) -> datetime:
        return datetime.fromtimestamp(self.grid.hour_seconds(h), self.tz)

    def hours(self) -> list[datetime]:
        return [self.hour(h) for h in range(self.grid.hours)]


def tables(chain: Chain, settings: Settings | None = None) -> Tables:
    settings = settings or Settings()
    grid = hourly(chain, settings.min_coverage)
    tz = timezone(chain.utc_offset)
    n = len(chain.points)
    expected = {name: np.full((n, grid.hours), np.nan) for name in POLLUTANTS}
    has_upstream = np.zeros(n, bool)
    if grid.hours == 0:
        return Tables(chain, grid, settings, tz, expected, has_upstream)
    ups = upstream_map(chain, grid.monitored)
    for i, point in enumerate(chain.points):
        feeds, unknown = ups[i]
        if point.kind == "plant_outlet" or not (feeds or unknown):
            continue  # treatment is not a pipe: the outlet is judged by its removal
        has_upstream[i] = True
        if unknown:
            continue  # an unmonitored point with nothing above it: no expected load
        for name in POLLUTANTS:
            data = grid.pollutants[name].load
            total = np.zeros(grid.hours)
            for u, minutes in feeds:
                total += shifted(data[u], minutes)[0]  # NaN propagates: a gap upstream
            expected[name][i] = total
    return Tables(chain, grid, settings, tz, expected, has_upstream)


def _days(t: Tables) -> tuple[np.ndarray, list[date]]:
    """Each hour's local day number (0 = the first), and the days' dates."""
    first = t.hour(0)
    start = first.replace(hour=0)
    offset = first.hour
    day = (np.arange(t.grid.hours) + offset) // 24
    dates = [(start + timedelta(days=int(d))).date() for d in range(int(day[-1]) + 1)]
    return day, dates


def hourly_rows(t: Tables, point_id: str) -> list[dict]:
    """One row per hour: flow, and per pollutant concentration, load, coverage, expected and
    residual (None for a gap)."""
    i = t.index(point_id)
    rows = []
    for h in range(t.grid.hours):
        row = {"time": t.hour(h), "flow_l_s": None, "pollutants": {}}
        for name in POLLUTANTS:
            p = t.grid.pollutants[name]
            load, exp = p.load[i, h], t.expected[name][i, h]
            if row["flow_l_s"] is None and np.isfinite(p.flow[i, h]):
                row["flow_l_s"] = round(float(p.flow[i, h]), 3)
            row["pollutants"][name] = {
                "conc_mg_l": _num(p.conc[i, h]), "load_kg_h": _num(load),
                "coverage": round(float(p.coverage[i, h]), 3),
                "expected_kg_h": _num(exp),
                "residual_kg_h": _num(load - exp)}
        rows.append(row)
    return rows


def daily_rows(t: Tables, point_id: str) -> list[dict]:
    """One row per local day and pollutant: load (kg/d), coverage, and for a node the load
    expected from upstream, the residual and whether it is within the tolerance. The balance
    of a day the data covers only in part (today) is judged over its hours so far."""
    if t.grid.hours == 0:
        return []
    i = t.index(point_id)
    day, dates = _days(t)
    hours_in = np.bincount(day, minlength=len(dates))
    out = []
    for d, when in enumerate(dates):
        inside = day == d
        row = {"date": when, "hours": int(hours_in[d]), "pollutants": {}}
        for name in POLLUTANTS:
            load = t.grid.pollutants[name].load[i][inside]
            exp = t.expected[name][i][inside]
            valid = np.isfinite(load)
            coverage = valid.sum() / 24.0
            enough = coverage >= t.settings.min_coverage
            kg = float(load[valid].sum()) * 24.0 / valid.sum() if enough else None
            cell = {"load_kg": _num(kg), "coverage": round(float(coverage), 3),
                    "measured_kg": round(float(load[valid].sum()), 3) if valid.any() else None,
                    "expected_kg": None, "residual_kg": None, "residual_pct": None,
                    "within": None}
            if t.has_upstream[i]:
                both = valid & np.isfinite(exp)
                # Judged over the day's hours inside the data (today: its hours so far).
                if both.sum() / hours_in[d] >= t.settings.min_coverage:
                    scale = hours_in[d] / both.sum()
                    m, e = float(load[both].sum()) * scale, float(exp[both].sum()) * scale
                    cell.update(expected_kg=_num(e), residual_kg=_num(m - e))
                    if e > 0:
                        cell["residual_pct"] = round(float((m - e) / e * 100.0), 1)
                        cell["within"] = bool(abs(m - e) <= t.settings.tolerance * e)
            row["pollutants"][name] = cell
        out.append(row)
    return out


def grade(concentrations: dict[str, float | None], water_body: str = "river"
          ) -> tuple[str | None, dict[str, str]]:
    """GB 3838-2002 class of each item with a value, and the section's class (its worst
    item's), from the class limits in ``data/limits.json``; ``劣V`` past class V."""
    sets = load_sets()["sets"]
    per_item: dict[str, str] = {}
    for name, value in concentrations.items():
        if value is None or not np.isfinite(value):
            continue
        found = WORSE_THAN_V
        limited = False
        for cls in CLASSES:
            limits = sets[f"GB3838-2002-{water_body}-{cls}"]["limits_mg_l"]
            if name not in limits:
                break
            limited = True
            if value <= limits[name]:
                found = cls
                break
        if limited:
            per_item[name] = found
    if not per_item:
        return None, {}
    order = (*CLASSES, WORSE_THAN_V)
    return max(per_item.values(), key=order.index), per_item


def meets(cls: str | None, target: str | None) -> bool | None:
    if cls is None or not target:
        return None
    order = (*CLASSES, WORSE_THAN_V)
    return order.index(cls) <= order.index(target)


def river_classes(t: Tables, point_id: str) -> dict:
    """A river section's class per local day and per month against its target: daily mean
    concentrations (of the valid hours; coverage given), monthly means of the daily means."""
    if t.grid.hours == 0:
        return {"daily": [], "monthly": []}
    i = t.index(point_id)
    point = t.chain.points[i]
    target = point.target_class
    day, dates = _days(t)
    daily = []
    for d, when in enumerate(dates):
        inside = day == d
        means: dict[str, float | None] = {}
        hours = 0
        for name in POLLUTANTS:
            conc = t.grid.pollutants[name].conc[i][inside]
            ok = np.isfinite(conc)
            hours = max(hours, int(ok.sum()))
            means[name] = float(conc[ok].mean()) if ok.any() else None
        cls, items = grade(means, point.water_body)
        daily.append({"date": when, "means": {k: _num(v) for k, v in means.items()},
                      "class": cls, "items": items, "target": target,
                      "meets": meets(cls, target), "hours": hours})
    monthly = []
    for month in sorted({(r["date"].year, r["date"].month) for r in daily}):
        rows = [r for r in daily if (r["date"].year, r["date"].month) == month]
        means = {}
        for name in POLLUTANTS:
            values = [r["means"][name] for r in rows if r["means"][name] is not None]
            means[name] = float(np.mean(values)) if values else None
        cls, items = grade(means, point.water_body)
        monthly.append({"month": f"{month[0]:04d}-{month[1]:02d}",
                        "means": {k: _num(v) for k, v in means.items()}, "class": cls,
                        "items": items, "target": target, "meets": meets(cls, target),
                        "days": sum(1 for r in rows if r["class"] is not None)})
    return {"daily": daily, "monthly": monthly}


def _num(x: float | None) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), 4)
