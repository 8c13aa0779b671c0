"""Plume spread sigma_y, sigma_z (m) as functions of downwind distance x (m)."""

from __future__ import annotations

import numpy as np

from .coefficients import (
    AVERAGING_EXPONENT,
    AVERAGING_REFERENCE_S,
    BRIGGS_RURAL,
    BRIGGS_URBAN,
    DRAXLER_FY,
)


def _briggs(table: dict, cls: str, axis: str, x: np.ndarray) -> np.ndarray:
    a, b, p = table[cls][axis]
    return a * x * (1.0 + b * x) ** p if b else a * x


def briggs_sigmas(cls: str, x, urban: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Briggs (1973) sigma_y, sigma_z for class ``cls`` (rural or urban)."""
    x = np.asarray(x, dtype=float)
    table = BRIGGS_URBAN if urban else BRIGGS_RURAL
    return _briggs(table, cls, "y", x), _briggs(table, cls, "z", x)


def averaging_factor(averaging_time_s: float) -> float:
    """Widening of sigma_y for an averaging time other than the ~10 min of the curves."""
    return (averaging_time_s / AVERAGING_REFERENCE_S) ** AVERAGING_EXPONENT


def sigma_y_from_sigma_theta(sigma_theta_deg: float, x, wind_speed_m_s: float) -> np.ndarray:
    """Draxler (1976): sigma_y = sigma_theta * x / (1 + 0.9 sqrt(t / 1000 s)), t = x / u.
    sigma_theta is measured over the averaging time, so no further averaging correction."""
    x = np.asarray(x, dtype=float)
    t = x / max(wind_speed_m_s, 1e-6)
    fy = 1.0 / (1.0 + DRAXLER_FY["a"] * np.sqrt(t / DRAXLER_FY["T_s"]))
    return np.radians(sigma_theta_deg) * x * fy
