"""Wind direction arithmetic ('from' convention, degrees clockwise from north) and the
surface-layer wind profile."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .coefficients import VON_KARMAN


def vector_mean_direction(directions_from_deg: Sequence[float],
                          speeds: Sequence[float] | None = None) -> float:
    """Vector mean of wind directions: mean of sin and cos (speed-weighted when speeds are
    given), never the arithmetic mean: 350 and 10 average to 0, not 180.  Returns [0, 360)."""
    d = np.radians(np.asarray(directions_from_deg, dtype=float))
    w = np.ones_like(d) if speeds is None else np.asarray(speeds, dtype=float)
    s, c = float(np.sum(w * np.sin(d))), float(np.sum(w * np.cos(d)))
    if math.hypot(s, c) < 1e-12:
        raise ValueError("directions cancel out: the vector mean is undefined")
    return math.degrees(math.atan2(s, c)) % 360.0


def yamartino_sigma_theta(directions_from_deg: Sequence[float]) -> float:
    """Standard deviation of wind direction, Yamartino (1984) single-pass estimator
    (J. Clim. Appl. Meteor. 23, 1362), as in EPA-454/R-99-005 section 6.2."""
    d = np.radians(np.asarray(directions_from_deg, dtype=float))
    sa, ca = float(np.mean(np.sin(d))), float(np.mean(np.cos(d)))
    eps = math.sqrt(max(0.0, 1.0 - (sa * sa + ca * ca)))
    return math.degrees(math.asin(eps) * (1.0 + (2.0 / math.sqrt(3.0) - 1.0) * eps ** 3))


def toward_unit_vector(wind_from_deg: float) -> tuple[float, float]:
    """(east, north) unit vector of the direction the air travels TO (from + 180 deg)."""
    to = math.radians(wind_from_deg + 180.0)
    return math.sin(to), math.cos(to)


def _psi_m(z_over_l: np.ndarray) -> np.ndarray:
    """Businger-Dyer integrated stability function for momentum."""
    zl = np.asarray(z_over_l, dtype=float)
    stable = -5.0 * np.clip(zl, 0.0, 1.0)
    xx = np.power(np.clip(1.0 - 16.0 * np.minimum(zl, 0.0), 1.0, None), 0.25)
    unstable = (2.0 * np.log((1.0 + xx) / 2.0) + np.log((1.0 + xx * xx) / 2.0)
                - 2.0 * np.arctan(xx) + math.pi / 2.0)
    return np.where(zl >= 0, stable, unstable)


def wind_at_height(z, *, u_ref: float, z_ref: float, roughness_m: float,
                   obukhov_length_m: float | None = None) -> np.ndarray:
    """Log profile with Monin-Obukhov correction, scaled through the measured u_ref."""
    z = np.maximum(np.asarray(z, dtype=float), roughness_m * 1.5)
    inv_l = 0.0 if not obukhov_length_m else 1.0 / obukhov_length_m
    num = np.log(z / roughness_m) - _psi_m(z * inv_l)
    den = math.log(max(z_ref, roughness_m * 1.5) / roughness_m) - float(_psi_m(z_ref * inv_l))
    return u_ref * num / den


def friction_velocity(u_ref: float, z_ref: float, roughness_m: float,
                      obukhov_length_m: float | None = None) -> float:
    inv_l = 0.0 if not obukhov_length_m else 1.0 / obukhov_length_m
    return VON_KARMAN * u_ref / (math.log(z_ref / roughness_m) - float(_psi_m(z_ref * inv_l)))
