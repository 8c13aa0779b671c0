"""Source tracing: Bayesian inversion of concentration observations.

Likelihood: errors are multiplicative, so we compare ln(C_obs + f) with ln(Q K + f), where
f is a detection floor (half the smallest positive observation): a zero observed where the
model predicts a lot is strong evidence against that hypothesis.  The log-error scale
sigma_ln, the wind-direction error and a sigma (plume width) scale are nuisance parameters
marginalised on small grids; the rate Q has a log-uniform prior and is marginalised too.

Repeated observations at one place (minute data under one met) are folded into sufficient
statistics (count, mean and spread of ln(C + f)), so a station-hour costs as much as one row.

Errors of samplers close together are strongly correlated (plume meander moves them all
at once), so treating them as independent makes the posterior too sharp.  The likelihood is
tempered to an effective number of independent observations ``EFFECTIVE_OBSERVATIONS``; the
value was chosen on the development runs of the Prairie Grass field data and checked on the
held-out runs (bench/dispersion_validate.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from .model import read_averaging_time, resolve_met
from .plume import PlumeModel
from .schema import Coordinates, InputError, item_id, list_at, number, read_met

DIRECTION_SD_DEG = 10.0
DIRECTION_STEPS = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
SIGMA_SCALES = np.array([0.5, 0.7, 1.0, 1.4, 2.0])
SIGMA_SCALE_SD_LN = 0.5  # a class off by one step changes sigma by ~1.5-2x
SIGMA_Z_SCALES = np.array([0.6, 1.0, 1.6])  # sigma_z / sigma_y shape error (stable runs need it)
SIGMA_Z_SCALE_SD_LN = 0.4
LOG_ERROR_SCALES = np.array([0.7, 1.2, 2.0])
RATE_GRID_G_S = np.logspace(-4, 5, 73)
EFFECTIVE_OBSERVATIONS = 8.0
GRID_CELLS = 41
DEFAULT_SEARCH_RADIUS_M = 1000.0


@dataclass
class Observations:
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    count: np.ndarray
    mean_log: np.ndarray
    sq_dev: np.ndarray  # sum over the group of (ln(C+f) - mean)^2
    floor: float
    max_mg_m3: float

    @classmethod
    def from_rows(cls, rows: list[tuple[float, float, float, float]]) -> Observations:
        arr = np.asarray(rows, dtype=float)
        positive = arr[:, 3][arr[:, 3] > 0]
        floor = 0.5 * float(positive.min()) if positive.size else 1e-3
        keys, inverse = np.unique(np.round(arr[:, :3], 3), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        logs = np.log(arr[:, 3] + floor)
        count = np.bincount(inverse, minlength=len(keys)).astype(float)
        mean = np.bincount(inverse, weights=logs, minlength=len(keys)) / count
        sq = np.bincount(inverse, weights=(logs - mean[inverse]) ** 2, minlength=len(keys))
        return cls(keys[:, 0], keys[:, 1], keys[:, 2], count, mean, sq, floor,
                   float(arr[:, 3].max()))

    @property
    def total(self) -> float:
        return float(self.count.sum())


def _log_weights(values: np.ndarray, sd: float) -> np.ndarray:
    w = np.exp(-0.5 * (values / sd) ** 2)
    return np.log(w / w.sum())


def log_evidence(model: PlumeModel, obs: Observations, src_x, src_y, height) -> np.ndarray:
    """Log marginal likelihood over (direction, sigma scale, log-error scale) for every
    source position and every rate on RATE_GRID_G_S: array (n_sources, n_rates)."""
    src_x = np.atleast_1d(np.asarray(src_x, dtype=float))
    src_y = np.atleast_1d(np.asarray(src_y, dtype=float))
    height = np.broadcast_to(np.asarray(height, dtype=float), src_x.shape)
    temper = min(1.0, EFFECTIVE_OBSERVATIONS / max(obs.total, 1.0))
    log_wd = _log_weights(DIRECTION_STEPS, 1.0)
    log_ws = _log_weights(np.log(SIGMA_SCALES), SIGMA_SCALE_SD_LN)
    log_wz = _log_weights(np.log(SIGMA_Z_SCALES), SIGMA_Z_SCALE_SD_LN)
    q_mg = RATE_GRID_G_S * 1000.0
    q32 = q_mg.astype(np.float32)
    mean32 = obs.mean_log.astype(np.float32)
    count32 = obs.count.astype(np.float32)
    null_resid = float(((obs.mean_log - math.log(obs.floor)) ** 2 * obs.count).sum())
    total = None
    combos = [(d_i, s_i, z_i) for d_i in range(len(DIRECTION_STEPS))
              for s_i in range(len(SIGMA_SCALES)) for z_i in range(len(SIGMA_Z_SCALES))]
    for d_i, s_i, z_i in combos:
        k = model.unit_concentration(src_x[:, None], src_y[:, None], height[:, None],
                                     obs.x[None, :], obs.y[None, :], obs.z[None, :],
                                     direction_offset_deg=DIRECTION_STEPS[d_i] * DIRECTION_SD_DEG,
                                     sigma_scale=SIGMA_SCALES[s_i],
                                     sigma_z_scale=SIGMA_Z_SCALES[z_i])
        # Sources whose plume misses every station (even at the largest rate) predict the
        # floor everywhere: one shared value instead of a log per rate and station.
        resid = np.full((len(src_x), len(q_mg)), null_resid)
        active = k.max(axis=1) * q_mg[-1] > 1e-2 * obs.floor  # < 1 % of the floor: no effect
        if active.any():
            # float32 halves the cost of the one heavy step; its 1e-7 relative error is far
            # below the 0.7-2.0 log-error scale.
            mu = np.log(q32[None, :, None] * k[active, None, :].astype(np.float32)
                        + np.float32(obs.floor))  # (S, Q, N)
            dev = (mean32[None, None, :] - mu) ** 2
            resid[active] = dev @ count32
        resid = resid + obs.sq_dev.sum()
        for sigma in LOG_ERROR_SCALES:
            ll = -0.5 * resid / sigma ** 2 - obs.total * math.log(sigma)
            part = (temper * ll + log_wd[d_i] + log_ws[s_i] + log_wz[z_i]
                    - math.log(len(LOG_ERROR_SCALES)))
            total = part if total is None else np.logaddexp(total, part)
    return total


def _rate_summary(log_post_q: np.ndarray) -> dict:
    w = np.exp(log_post_q - logsumexp(log_post_q))
    cdf = np.cumsum(w)
    logq = np.log(RATE_GRID_G_S)

    def quantile(p: float) -> float:
        return float(np.exp(np.interp(p, cdf, logq)))

    return {"median": quantile(0.5), "p05": quantile(0.05), "p95": quantile(0.95)}


def _radius_holding(x, y, weights, cx, cy, mass: float = 0.9, pad: float = 0.0) -> float:
    d = np.hypot(np.asarray(x) - cx, np.asarray(y) - cy)
    order = np.argsort(d)
    cum = np.cumsum(np.asarray(weights)[order])
    idx = int(np.searchsorted(cum, mass * cum[-1]))
    return float(d[order][min(idx, len(d) - 1)] + pad)


@dataclass
class TraceResult:
    x_m: float
    y_m: float
    radius_90_m: float
    rate: dict
    candidates: list[dict] | None
    warnings: list[str]
    posterior: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def as_json(self, projection=None) -> dict:
        location = {"x_m": self.x_m, "y_m": self.y_m, "radius_90_m": self.radius_90_m}
        if projection is not None:
            lon, lat = projection.to_lonlat(self.x_m, self.y_m)
            location.update({"lon": lon, "lat": lat})
        out = {"location": location, "rate_g_s": self.rate}
        if self.candidates is not None:
            out["candidates"] = self.candidates
        return out


def trace_candidates(model: PlumeModel, obs: Observations,
                     candidates: list[tuple[object, float, float, float]]) -> TraceResult:
    """Posterior over known candidates (uniform prior), each rate marginalised."""
    cx = np.array([c[1] for c in candidates])
    cy = np.array([c[2] for c in candidates])
    ch = np.array([c[3] for c in candidates])
    ev = log_evidence(model, obs, cx, cy, ch)  # (K, Q)
    log_marg = logsumexp(ev, axis=1)
    prob = np.exp(log_marg - logsumexp(log_marg))
    ranked = []
    for k in np.argsort(-prob, kind="stable"):
        ranked.append({"id": candidates[k][0], "probability": float(prob[k]),
                       "rate_g_s": _rate_summary(ev[k])})
    ex, ey = float(prob @ cx), float(prob @ cy)
    radius = _radius_holding(cx, cy, prob, ex, ey)
    rate = _rate_summary(logsumexp(ev + np.log(prob + 1e-300)[:, None] - log_marg[:, None],
                                   axis=0))
    return TraceResult(ex, ey, radius, rate, ranked, list(model.warnings))


def trace_grid(model: PlumeModel, obs: Observations, height: float, *,
               centre: tuple[float, float], radius_m: float,
               cells: int = GRID_CELLS) -> TraceResult:
    """Posterior over (x0, y0, Q) on a square grid about ``centre`` (uniform in space)."""
    axis = np.linspace(-radius_m, radius_m, cells)
    gx, gy = np.meshgrid(centre[0] + axis, centre[1] + axis)
    gx, gy = gx.ravel(), gy.ravel()
    ev = log_evidence(model, obs, gx, gy, height)
    log_loc = logsumexp(ev, axis=1)
    w = np.exp(log_loc - logsumexp(log_loc))
    ex, ey = float(w @ gx), float(w @ gy)
    cell = axis[1] - axis[0]
    radius = _radius_holding(gx, gy, w, ex, ey, pad=cell / 2)
    warnings = list(model.warnings)
    edge = (np.abs(gx - centre[0]) >= radius_m - 1e-6) | (np.abs(gy - centre[1]) >= radius_m - 1e-6)
    if w[edge].sum() > 0.02:
        warnings.append("search_radius: posterior mass reaches the edge of the search area")
    rate = _rate_summary(logsumexp(ev, axis=0))
    return TraceResult(ex, ey, radius, rate, None, warnings, (gx, gy, w))


def trace_document(doc: dict) -> tuple[TraceResult, object]:
    """Run an OBS document (see the issue's schema)."""
    if not isinstance(doc, dict):
        raise InputError("$", "the document must be a JSON object")
    met = read_met(doc)
    averaging = read_averaging_time(doc)
    height = number(doc, "source_height_m", "", minimum=0.0)
    coords = Coordinates(doc, ("observations", "candidates"))
    rows = []
    for i, o in enumerate(list_at(doc, "observations")):
        path = f"observations[{i}]"
        x, y = coords.xy(o, path)
        item_id(o, path)
        rows.append((x, y, number(o, "height_m", path, minimum=0.0),
                     number(o, "mg_m3", path, minimum=0.0)))
    obs = Observations.from_rows(rows)
    model = resolve_met(met, averaging)
    raw_candidates = list_at(doc, "candidates", required=False, non_empty=False)
    if raw_candidates:
        cands = []
        for i, c in enumerate(raw_candidates):
            path = f"candidates[{i}]"
            x, y = coords.xy(c, path)
            cands.append((item_id(c, path), x, y, number(c, "height_m", path, minimum=0.0)))
        return trace_candidates(model, obs, cands), coords.projection
    radius = number(doc, "search_radius_m", "", required=False, exclusive_minimum=0.0)
    arr = np.asarray(rows)
    weights = arr[:, 3] if arr[:, 3].sum() > 0 else np.ones(len(arr))
    weights = weights / weights.sum()
    centre = (float(weights @ arr[:, 0]), float(weights @ arr[:, 1]))
    return trace_grid(model, obs, height, centre=centre,
                      radius_m=radius or DEFAULT_SEARCH_RADIUS_M), coords.projection
