"""Pasquill-Gifford stability class from what the measurements offer."""

from __future__ import annotations

import math

from .coefficients import CLASSES, GOLDER_INV_L, SIGMA_THETA_LOWER_DEG, TURNER_TABLE


def from_sigma_theta(sigma_theta_deg: float) -> str:
    """Class from the standard deviation of horizontal wind direction (daytime table of
    EPA-454/R-99-005; no night-time adjustment)."""
    if not sigma_theta_deg >= 0:
        raise ValueError("sigma_theta_deg must be >= 0")
    for cls, lower in SIGMA_THETA_LOWER_DEG:
        if sigma_theta_deg >= lower:
            return cls
    return "F"  # pragma: no cover - the last bound is 0


def from_obukhov(obukhov_length_m: float, roughness_m: float = 0.1) -> str:
    """Class whose Golder (1972) line 1/L = a + b log10(z0) lies nearest the measured 1/L.
    An infinite L (or 0 meaning 'not measured' is not allowed) is neutral, D."""
    if roughness_m <= 0:
        raise ValueError("roughness_m must be > 0")
    if obukhov_length_m == 0:
        raise ValueError("obukhov_length_m must not be 0")
    inv_l = 0.0 if math.isinf(obukhov_length_m) else 1.0 / obukhov_length_m
    log_z0 = math.log10(roughness_m)
    centres = {c: a + b * log_z0 for c, (a, b) in GOLDER_INV_L.items()}
    return min(CLASSES, key=lambda c: (abs(inv_l - centres[c]), CLASSES.index(c)))


def from_turner(wind_speed_m_s: float, *, daytime: bool, insolation: str | None = None,
                cloud_oktas: float | None = None, overcast: bool = False) -> str:
    """Turner (1970) table from the 10 m wind speed and insolation (strong / moderate /
    slight) by day, or cloud cover (oktas) by night.  Overcast is D."""
    if overcast:
        return "D"
    day, night = next((d, n) for upper, d, n in TURNER_TABLE if wind_speed_m_s < upper)
    if daytime:
        columns = {"strong": 0, "moderate": 1, "slight": 2}
        if insolation not in columns:
            raise ValueError("insolation must be strong, moderate or slight by day")
        cell = day[columns[insolation]]
    else:
        if cloud_oktas is None:
            raise ValueError("cloud_oktas is needed at night")
        cell = night[0] if cloud_oktas >= 4 else night[1]
    return max(cell.split("-"), key=CLASSES.index)


def classify(*, stability: str | None = None, obukhov_length_m: float | None = None,
             roughness_m: float | None = None, sigma_theta_deg: float | None = None,
             wind_speed_m_s: float | None = None, daytime: bool | None = None,
             insolation: str | None = None, cloud_oktas: float | None = None,
             overcast: bool = False) -> tuple[str, str, list[str]]:
    """``auto``: the best the input offers.  Returns (class, method, warnings).

    Order: a given class; the Obukhov length (a flux measurement, best for the vertical);
    sigma-theta (measured lateral turbulence); Turner's wind + insolation/cloud; else D."""
    warnings: list[str] = []
    if stability:
        if stability not in CLASSES:
            raise ValueError("stability must be one of A-F or null")
        return stability, "given", warnings
    if obukhov_length_m is not None:
        z0 = roughness_m if roughness_m else 0.1
        if not roughness_m:
            warnings.append("roughness: not given, 0.1 m assumed for the Golder classification")
        return from_obukhov(obukhov_length_m, z0), "obukhov_golder_1972", warnings
    if sigma_theta_deg is not None:
        warnings.append("sigma_theta: daytime EPA table used without night-time adjustment")
        return from_sigma_theta(sigma_theta_deg), "sigma_theta_epa", warnings
    if wind_speed_m_s is not None and daytime is not None and (
            (daytime and insolation) or (not daytime and cloud_oktas is not None) or overcast):
        cls = from_turner(wind_speed_m_s, daytime=daytime, insolation=insolation,
                          cloud_oktas=cloud_oktas, overcast=overcast)
        if not daytime and wind_speed_m_s < 2.0 and not overcast:
            warnings.append("turner: night with wind < 2 m/s is blank in Turner's table; F used")
        return cls, "turner_1970", warnings
    warnings.append("stability: no stability input, neutral D assumed")
    return "D", "default_neutral", warnings
