"""A physically consistent wastewater chain for tests, the benchmark and demos (pure, NumPy).

Enterprises discharge with daily cycles; every downstream point carries exactly what reached
it (loads and flows shifted by the pipes' travel times, concentrations and conductivity mixed
by flow); the plant removes a fixed share per pollutant after its retention time; the river
section below the outfall receives the section above it plus the outfall. Monitors report
means over their step with a little multiplicative noise. A hidden discharge into a node,
flagged readings and missing readings can be scripted. Internal resolution: 10 minutes.

This is the engine's own test bed, not field data: checking the engine against real monitor
records is still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

STEP = 10  # minutes
FIELDS = ("flow_l_s", "cod_mg_l", "nh3n_mg_l", "tp_mg_l", "tn_mg_l", "conductivity_us_cm")
# Typical pretreated petrochemical discharge, mg/L (COD below the GB 31571 indirect 100).
SOURCE_MG_L = {"cod_mg_l": (40, 70), "nh3n_mg_l": (5, 25), "tp_mg_l": (1, 4),
               "tn_mg_l": (15, 40)}
REMOVAL = {"cod_mg_l": 0.85, "nh3n_mg_l": 0.9, "tp_mg_l": 0.9, "tn_mg_l": 0.7}
RIVER = {"flow_l_s": 3000.0, "cod_mg_l": 12.0, "nh3n_mg_l": 0.3, "tp_mg_l": 0.08,
         "tn_mg_l": 1.0, "conductivity_us_cm": 400.0}


@dataclass(frozen=True)
class Discharge:
    """A hidden discharge entering ``into`` (at the node: no further travel)."""
    into: str
    start_hour: float
    hours: float
    cod_kg_h: float
    nh3n_kg_h: float = 0.0
    flow_l_s: float = 3.0
    conductivity_us_cm: float = 6000.0


@dataclass(frozen=True)
class Gap:
    """Readings of ``point`` in [start_hour, start_hour + hours): sent with ``flag`` and a
    meaningless value, or left out when flag is None."""
    point: str
    start_hour: float
    hours: float
    flag: str | None = "D"


def layout(sources: int, networks: int, river: bool, rng: np.random.Generator) -> list[dict]:
    points = []
    for i in range(sources):
        points.append({"id": f"S{i + 1}", "kind": "source", "downstream": f"N{i % networks + 1}",
                       "travel_minutes": float(rng.integers(2, 6) * STEP),
                       "limit_set": "GB31571-2015-indirect"})
    for j in range(networks):
        points.append({"id": f"N{j + 1}", "kind": "network", "downstream": "P-in",
                       "travel_minutes": float(rng.integers(3, 9) * STEP)})
    points.append({"id": "P-in", "kind": "plant_inlet", "downstream": "P-out",
                   "travel_minutes": 600.0})
    points.append({"id": "P-out", "kind": "plant_outlet", "downstream": "O1",
                   "travel_minutes": 20.0})
    points.append({"id": "O1", "kind": "outfall", **({"downstream": "R-down",
                                                      "travel_minutes": 30.0} if river else {})})
    if river:
        points.append({"id": "R-up", "kind": "river", "downstream": "R-down",
                       "travel_minutes": 60.0, "target_class": "III"})
        points.append({"id": "R-down", "kind": "river", "target_class": "III"})
    return points


def simulate(*, sources: int = 6, networks: int = 2, days: float = 3, step_minutes: int = 10,
             seed: int = 1, noise: float = 0.02, river: bool = True,
             start: str = "2026-12-01T00:00:00+08:00", discharges: tuple = (),
             gaps: tuple = ()) -> dict:
    """A CHAIN document (see docs/user-guide/water.md)."""
    if step_minutes % STEP or 60 % step_minutes and step_minutes % 60:
        raise ValueError("step_minutes: a multiple of 10 that divides an hour, or whole hours")
    rng = np.random.default_rng(seed)
    points = layout(sources, networks, river, rng)
    n = int(round(days * 24 * 60 / STEP))
    warm = 24 * 60 // STEP  # a day before the start fills the pipes
    t = np.arange(-warm, n) * STEP / 60.0  # hours from the start
    truth = _truth(points, t, rng, discharges)
    return {"points": points,
            "series": _readings(points, truth, warm, n, step_minutes, rng, noise, start, gaps)}


def _truth(points: list[dict], t: np.ndarray, rng: np.random.Generator,
           discharges: tuple) -> dict[str, dict[str, np.ndarray]]:
    """Per point: flow (L/s), load of each pollutant (mg/s) and conductivity × flow."""
    loads: dict[str, dict[str, np.ndarray]] = {}
    day = 2 * np.pi * t / 24.0
    for p in points:
        if p["kind"] != "source":
            continue
        q = rng.uniform(2.0, 15.0) * (1 + 0.3 * np.sin(day - rng.uniform(0, 2 * np.pi)))
        q *= 1 + 0.05 * _smooth_noise(len(t), rng)
        entry = {"flow_l_s": q}
        for field, (lo, hi) in SOURCE_MG_L.items():
            c = rng.uniform(lo, hi) * (1 + 0.1 * np.sin(day - rng.uniform(0, 2 * np.pi)))
            entry[field] = q * c * (1 + 0.05 * _smooth_noise(len(t), rng))
        entry["conductivity_us_cm"] = q * rng.uniform(800, 2500)
        loads[p["id"]] = entry
    for d in discharges:  # a hidden inflow at the node itself
        on = (t >= d.start_hour) & (t < d.start_hour + d.hours)
        extra = {"flow_l_s": d.flow_l_s * on,
                 "cod_mg_l": d.cod_kg_h / 3.6e-3 * on, "nh3n_mg_l": d.nh3n_kg_h / 3.6e-3 * on,
                 "tp_mg_l": 0.0 * on, "tn_mg_l": d.nh3n_kg_h / 3.6e-3 * on,
                 "conductivity_us_cm": d.flow_l_s * d.conductivity_us_cm * on}
        loads.setdefault(("extra", d.into), {f: np.zeros(len(t)) for f in FIELDS})
        for f in FIELDS:
            loads[("extra", d.into)][f] = loads[("extra", d.into)][f] + extra[f]
    done = set(loads) - {k for k in loads if isinstance(k, tuple)}
    while len(done) < len(points):
        for p in points:
            if p["id"] in done:
                continue
            ups = [u for u in points if u.get("downstream") == p["id"]]
            if any(u["id"] not in done for u in ups):
                continue
            if p["id"] == "R-up":
                loads[p["id"]] = {f: RIVER[f] * RIVER["flow_l_s"] * np.ones(len(t))
                                  if f != "flow_l_s" else RIVER[f] * np.ones(len(t))
                                  for f in FIELDS}
            else:
                total = {f: np.zeros(len(t)) for f in FIELDS}
                for u in ups:
                    lag = int(round(u.get("travel_minutes", 0) / STEP))
                    for f in FIELDS:
                        treated = p["kind"] == "plant_outlet" and f in REMOVAL
                        kept = 1.0 - REMOVAL[f] if treated else 1.0
                        total[f] += _delay(loads[u["id"]][f], lag) * kept
                for f in FIELDS:
                    total[f] += loads.get(("extra", p["id"]), {}).get(f, 0.0)
                loads[p["id"]] = total
            done.add(p["id"])
    return {k: v for k, v in loads.items() if not isinstance(k, tuple)}


def _smooth_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Slow random variation (AR(1), correlation ~ a few hours), unit scale."""
    e = rng.standard_normal(n)
    out = np.empty(n)
    acc = 0.0
    for i in range(n):  # n ≤ 53k for a year at 10 minutes: fast enough
        acc = 0.97 * acc + 0.243 * e[i]
        out[i] = acc
    return out


def _delay(x: np.ndarray, steps: int) -> np.ndarray:
    if steps == 0:
        return x
    return np.concatenate((np.full(steps, x[0]), x[:-steps]))


def _readings(points: list[dict], truth: dict, warm: int, n: int, step_minutes: int,
              rng: np.random.Generator, noise: float, start: str, gaps: tuple) -> list[dict]:
    per = step_minutes // STEP
    m = n // per
    t0 = datetime.fromisoformat(start)
    times = [(t0 + timedelta(minutes=step_minutes * k)).isoformat() for k in range(m)]
    rows = []
    for p in points:
        data = truth[p["id"]]
        flow = data["flow_l_s"][warm:warm + m * per].reshape(m, per)
        q = flow.mean(axis=1)
        values = {"flow_l_s": q * (1 + noise * rng.standard_normal(m))}
        for f in FIELDS[1:]:
            mass = data[f][warm:warm + m * per].reshape(m, per).sum(axis=1)
            values[f] = mass / flow.sum(axis=1) * (1 + noise * rng.standard_normal(m))
        flags = np.array(["N"] * m, dtype=object)
        keep = np.ones(m, bool)
        for g in (g for g in gaps if g.point == p["id"]):
            k = np.arange(m) * step_minutes / 60.0
            inside = (k >= g.start_hour) & (k < g.start_hour + g.hours)
            if g.flag is None:
                keep &= ~inside
            else:
                flags[inside] = g.flag
                for f in FIELDS:
                    values[f] = np.where(inside, 0.0, values[f])
        columns = {f: np.round(values[f], 4).tolist() for f in FIELDS}
        for k in np.flatnonzero(keep).tolist():
            rows.append({"point": p["id"], "time": times[k],
                         **{f: columns[f][k] for f in FIELDS}, "flag": flags[k]})
    return rows
