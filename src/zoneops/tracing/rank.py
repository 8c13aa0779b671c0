"""Ranking the park's release points for one piece of evidence (pure: NumPy, no Django).

Concentrations go through the library's likelihood (``dispersion.inversion.log_evidence``:
zeros count, rate marginalised, direction and sigma errors marginalised, tempered to an
effective number of independent observations). Residents' odour reports are presence /
absence evidence: a report at a place the candidate's plume reaches is likelier if the
candidate releases. With lambda the rate over the (unknown) odour threshold,

    P(smell | candidate, lambda) = eps + (1 - 2 eps) (1 - exp(-lambda K)),

K the plume's unit concentration at the report; eps = ODOUR_FALSE_RATE covers smells from
elsewhere and noses that miss. lambda (log-uniform) and the wind direction are marginalised
like the concentrations' rate and direction; reports are tempered like observations. The
two likelihoods multiply (the rate over the threshold is independent of the rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp

from zoneops.dispersion.inversion import (
    DIRECTION_SD_DEG,
    DIRECTION_STEPS,
    EFFECTIVE_OBSERVATIONS,
    Observations,
    _radius_holding,
    _rate_summary,
    log_evidence,
)
from zoneops.dispersion.plume import PlumeModel

ODOUR_FALSE_RATE = 0.1  # a modelling choice (not a standard): one report in ten unrelated
ODOUR_LAMBDA = np.logspace(0, 12, 49)  # rate/threshold, (g/s) per (g/m^3)
NOSE_HEIGHT_M = 1.5
FAN_LENGTH_M = 5000.0


@dataclass
class Ranked:
    """Candidates in their order (index into the input), probabilities, rate intervals
    (None without concentrations), the posterior centre and the radius holding 90 %."""

    order: list[int]
    probability: np.ndarray
    rates: list[dict | None]
    x_m: float
    y_m: float
    radius_90_m: float
    warnings: list[str] = field(default_factory=list)


def _odour_log_likelihood(model: PlumeModel, cx, cy, ch, odour: np.ndarray) -> np.ndarray:
    """(K,) log likelihood of the reports (rows x, y, present) for each candidate."""
    rx, ry, present = odour[:, 0], odour[:, 1], odour[:, 2] > 0
    temper = min(1.0, EFFECTIVE_OBSERVATIONS / max(len(odour), 1))
    log_wd = np.log(np.exp(-0.5 * DIRECTION_STEPS ** 2) / np.exp(-0.5 * DIRECTION_STEPS ** 2).sum())
    total = None
    for d_i, step in enumerate(DIRECTION_STEPS):
        k = model.unit_concentration(cx[:, None], cy[:, None], ch[:, None], rx[None, :],
                                     ry[None, :], NOSE_HEIGHT_M,
                                     direction_offset_deg=step * DIRECTION_SD_DEG)  # (K, R)
        hit = 1.0 - np.exp(-ODOUR_LAMBDA[None, :, None] * k[:, None, :])  # (K, L, R)
        p = ODOUR_FALSE_RATE + (1.0 - 2.0 * ODOUR_FALSE_RATE) * hit
        ll = np.where(present[None, None, :], np.log(p), np.log1p(-p)).sum(axis=2)  # (K, L)
        part = temper * ll + log_wd[d_i] - math.log(len(ODOUR_LAMBDA))
        total = part if total is None else np.logaddexp(total, part)
    return logsumexp(total, axis=1)


def rank(model: PlumeModel, candidates: np.ndarray, *, observations: Observations | None,
         odour: np.ndarray | None) -> Ranked:
    """candidates: rows (x, y, height) in local metres; odour: rows (x, y, present)."""
    cx, cy, ch = candidates[:, 0], candidates[:, 1], candidates[:, 2]
    log_marg = np.zeros(len(candidates))
    ev = None
    if observations is not None:
        ev = log_evidence(model, observations, cx, cy, ch)
        log_marg = log_marg + logsumexp(ev, axis=1)
    if odour is not None and len(odour):
        log_marg = log_marg + _odour_log_likelihood(model, cx, cy, ch, odour)
    prob = np.exp(log_marg - logsumexp(log_marg))
    order = [int(i) for i in np.argsort(-prob, kind="stable")]
    rates = [_rate_summary(ev[k]) if ev is not None else None for k in range(len(candidates))]
    ex, ey = float(prob @ cx), float(prob @ cy)
    return Ranked(order, prob, rates, ex, ey, _radius_holding(cx, cy, prob, ex, ey),
                  list(model.warnings))


def upwind_fan(x_m: float, y_m: float, wind_from_deg: float, half_angle_deg: float,
               length_m: float = FAN_LENGTH_M, steps: int = 12) -> list[tuple[float, float]]:
    """The sector upwind of a point (where the air came from): apex, arc, apex."""
    points = [(x_m, y_m)]
    for i in range(steps + 1):
        bearing = math.radians(wind_from_deg - half_angle_deg + 2 * half_angle_deg * i / steps)
        points.append((x_m + length_m * math.sin(bearing), y_m + length_m * math.cos(bearing)))
    points.append((x_m, y_m))
    return points


def fan_half_angle(sigma_theta_deg: float | None) -> float:
    """Half the fan's opening: the direction error the inversion marginalises (two steps of
    DIRECTION_SD_DEG) plus the measured spread, between 20 and 60 degrees."""
    spread = sigma_theta_deg or 0.0
    return float(min(60.0, max(20.0, 2 * DIRECTION_SD_DEG + spread)))
