"""Hourly loads per point and pollutant, summed from the readings (never mean × mean).

Units: a reading of Q L/s and C mg/L is Q·C mg/s; over its Δt seconds it carries Q·C·Δt mg
= Q·C·Δt·10⁻⁶ kg. A whole hour at constant Q and C is Q·C·3600·10⁻⁶ kg = Q·C·3.6/1000 kg/h
(l/s × mg/l × 3.6 = g/h). An hour's load is Σ Q·C·Δt over its valid readings, divided by the
seconds they cover (so a partly covered hour is the mean rate over what was measured) and
stated in kg/h; with coverage below ``min_coverage`` the hour is a gap (NaN).

Each reading covers Δt from its time on: Δt is the point's usual step (the median gap between
its readings, at most an hour), so hourly data (HJ 212 CN 2061, time = start of the hour)
covers its hour and ten-minute data six readings per hour. Readings flagged other than N or
T (HJ 212-2017 Table 8), or with no value, are gaps: they cover nothing. A measured flow of
zero is a known zero load, even when the concentration is missing (a source that is not
discharging).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chain import FLAG_T, MEASURED_FLAGS, POLLUTANTS, Chain

KG_PER_MG = 1e-6
LOAD_KG_H_PER_L_S_MG_L = 3.6e-3  # kg/h carried by 1 L/s at 1 mg/L


@dataclass
class Pollutant:
    load: np.ndarray  # (points, hours) kg/h, NaN = gap
    conc: np.ndarray  # (points, hours) mg/L, flow-weighted when flow is known; NaN = gap
    flow: np.ndarray  # (points, hours) L/s over the hours with a load, NaN elsewhere
    coverage: np.ndarray  # (points, hours) fraction of the hour with a valid load
    censored: np.ndarray  # (points, hours) bool: a T reading, the value is a lower bound


@dataclass
class Grid:
    start_hour: int  # Unix hours of column 0
    hours: int
    monitored: np.ndarray  # (points,) bool: the point sent at least one reading
    bad_flag: np.ndarray  # (points, hours) int8 index into FLAGS of a gap flag, -1 none
    conductivity: np.ndarray  # (points, hours) µS/cm time mean, NaN when absent
    pollutants: dict[str, Pollutant]

    def hour_seconds(self, h: int) -> int:
        return (self.start_hour + h) * 3600


def step_seconds(chain: Chain) -> np.ndarray:
    """Each point's usual reading step in seconds (median gap, 60 s … 3600 s)."""
    steps = np.full(len(chain.points), 3600.0)
    if len(chain.seconds) < 2:
        return steps
    order = np.lexsort((chain.seconds, chain.point_index))
    idx, sec = chain.point_index[order], chain.seconds[order]
    gaps = np.diff(sec).astype(np.float64)
    same = np.diff(idx) == 0
    for k in np.unique(idx[1:][same]):
        steps[k] = np.median(gaps[same & (idx[1:] == k)])
    return np.clip(steps, 60.0, 3600.0)


def hourly(chain: Chain, min_coverage: float = 0.75) -> Grid:
    n_points = len(chain.points)
    if len(chain.seconds) == 0:
        empty = np.zeros((n_points, 0))
        return Grid(0, 0, np.zeros(n_points, bool), empty.astype(np.int8), empty,
                    {name: Pollutant(empty, empty, empty, empty, empty.astype(bool))
                     for name in POLLUTANTS})
    hour = chain.seconds // 3600
    start = int(hour.min())
    n_hours = int(hour.max()) - start + 1
    cell = chain.point_index.astype(np.int64) * n_hours + (hour - start)
    size = n_points * n_hours
    shape = (n_points, n_hours)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=size).reshape(shape)

    dt = step_seconds(chain)[chain.point_index]
    measured = chain.flags < MEASURED_FLAGS
    censored_row = chain.flags == FLAG_T
    flow = chain.values["flow_l_s"]
    flow_ok = measured & ~np.isnan(flow)

    bad_flag = np.full(size, -1, dtype=np.int8)
    bad_flag[cell[~measured]] = chain.flags[~measured].astype(np.int8)
    monitored = np.bincount(chain.point_index, minlength=n_points) > 0

    cond = chain.values["conductivity_us_cm"]
    cond_ok = measured & ~np.isnan(cond)
    cond_dt = total(np.where(cond_ok, dt, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        conductivity = total(np.where(cond_ok, cond * dt, 0.0)) / cond_dt

    pollutants = {}
    for name, column in POLLUTANTS.items():
        c = chain.values[column]
        c_ok = measured & ~np.isnan(c)
        both = c_ok & flow_ok
        # No flow carries no load, whatever the analyser shows (or fails to show).
        known = both | (flow_ok & (flow == 0))
        covered = total(np.where(known, dt, 0.0))
        mass_mg = total(np.where(both, flow * c * dt, 0.0))
        flow_dt = total(np.where(both, flow * dt, 0.0))
        c_dt = total(np.where(c_ok, dt, 0.0))
        c_sum = total(np.where(c_ok, c * dt, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            load = mass_mg * KG_PER_MG * 3600.0 / covered
            mean_flow = flow_dt / covered
            conc = np.where(flow_dt > 0, mass_mg / flow_dt, c_sum / c_dt)
        load_cov = np.minimum(covered / 3600.0, 1.0)
        load[load_cov < min_coverage] = np.nan
        mean_flow[load_cov < min_coverage] = np.nan
        conc_cov = np.where(flow_dt > 0, load_cov, np.minimum(c_dt / 3600.0, 1.0))
        conc[conc_cov < min_coverage] = np.nan
        censored = total((c_ok & censored_row).astype(np.float64)) > 0
        pollutants[name] = Pollutant(load, conc, mean_flow, load_cov, censored)
    return Grid(start, n_hours, monitored, bad_flag.reshape(shape), conductivity, pollutants)


def shifted(series: np.ndarray, minutes: float) -> tuple[np.ndarray, np.ndarray]:
    """An hourly series as it arrives ``minutes`` later: hour h receives what left during
    [h − τ, h + 1 − τ), i.e. (1 − f)·x[h − k] + f·x[h − k − 1] with τ = k + f hours. Returns
    the shifted series (NaN where a needed hour is a gap or before the start) and its
    timing spread ½·|x[h − k] − x[h − k − 1]| (how much a wrong travel time could move it)."""
    tau = minutes / 60.0
    k = int(np.floor(tau))
    f = tau - k
    a = _lag(series, k)
    if f < 1e-9:
        return a, np.zeros_like(a)
    b = _lag(series, k + 1)
    return (1.0 - f) * a + f * b, 0.5 * np.abs(a - b)


def _lag(series: np.ndarray, k: int) -> np.ndarray:
    out = np.full_like(series, np.nan, dtype=np.float64)
    if k == 0:
        out[...] = series
    elif k < series.shape[-1]:
        out[..., k:] = series[..., :-k]
    return out


def first_complete_hour(minutes: float) -> int:
    """The first hour a series shifted by ``minutes`` is defined for (earlier is outside the
    data, not a gap)."""
    tau = minutes / 60.0
    k = int(np.floor(tau))
    return k if tau - k < 1e-9 else k + 1
