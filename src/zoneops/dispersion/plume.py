"""Gaussian plume (continuous point source) and puff chain.

C(x,y,z) = Q / (2 pi u sy sz) exp(-y^2 / 2 sy^2) [exp(-(z-H)^2 / 2 sz^2) + exp(-(z+H)^2 / 2 sz^2)]
with ground reflection; under a mixing height h, image sources at 2nh +- H (n = -N..N), and
the well-mixed limit Q / (sqrt(2 pi) u sy h) exp(-y^2 / 2 sy^2) once sz > 1.6 h (Turner 1970).
Units: Q in g/s, distances in m, u in m/s, C in g/m^3.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .sigma import averaging_factor, briggs_sigmas, sigma_y_from_sigma_theta
from .wind import toward_unit_vector, wind_at_height

MIN_WIND_M_S = 1.0
MIN_DISTANCE_M = 1.0
IMAGE_TERMS = 3
WELL_MIXED_RATIO = 1.6


def vertical_term(z, height, sigma_z, mixing_height: float | None = None) -> np.ndarray:
    """The bracketed vertical factor (units 1), with reflection at the ground and, when a
    mixing height is given, at its lid; well-mixed (sqrt(2 pi) sz / h) beyond 1.6 h."""
    z, sz = np.asarray(z, dtype=float), np.asarray(sigma_z, dtype=float)
    H = np.asarray(height, dtype=float)
    total = np.exp(-((z - H) ** 2) / (2 * sz * sz)) + np.exp(-((z + H) ** 2) / (2 * sz * sz))
    if not mixing_height:
        return total
    h = float(mixing_height)
    if float(np.max(sz)) < h / 4:
        return total  # image terms are below exp(-8) of the direct ones: skip the work
    for n in range(1, IMAGE_TERMS + 1):
        for s in (-1, 1):
            shift = 2 * n * h * s
            total = total + np.exp(-((z - H + shift) ** 2) / (2 * sz * sz))
            total = total + np.exp(-((z + H + shift) ** 2) / (2 * sz * sz))
    mixed = math.sqrt(2 * math.pi) * sz / h
    return np.where(sz > WELL_MIXED_RATIO * h, mixed, total)


@dataclass
class PlumeModel:
    """A resolved dispersion regime: class, sigma source and wind, ready to evaluate."""

    stability: str
    wind_speed_m_s: float
    wind_from_deg: float
    sigma_source: str = "briggs_rural"  # or briggs_urban, sigma_theta
    sigma_theta_deg: float | None = None
    averaging_time_s: float = 600.0
    wind_height_m: float = 10.0
    roughness_m: float | None = None
    obukhov_length_m: float | None = None
    mixing_height_m: float | None = None
    profile_transport: bool = False
    stability_method: str = "given"
    warnings: list[str] = field(default_factory=list)

    @property
    def urban(self) -> bool:
        return self.sigma_source == "briggs_urban" or (
            self.sigma_source == "sigma_theta" and (self.roughness_m or 0) >= 0.5)

    def sigmas(self, x) -> tuple[np.ndarray, np.ndarray]:
        x = np.maximum(np.asarray(x, dtype=float), MIN_DISTANCE_M)
        sy, sz = briggs_sigmas(self.stability, x, urban=self.urban)
        if self.sigma_source == "sigma_theta" and self.sigma_theta_deg is not None:
            sy = sigma_y_from_sigma_theta(self.sigma_theta_deg, x, self.speed())
        else:
            sy = sy * averaging_factor(self.averaging_time_s)
        return sy, sz

    def speed(self) -> float:
        return max(self.wind_speed_m_s, MIN_WIND_M_S)

    def transport_speed(self, height, sigma_z) -> np.ndarray:
        """Speed that carries the plume: the measured wind, or (profile_transport) the
        profile wind at the plume's mean height max(H, sqrt(2/pi) sz, wind height)."""
        u = self.speed()
        if not self.profile_transport or not self.roughness_m:
            return np.full(np.shape(sigma_z), u)
        z_mean = np.maximum(np.maximum(height, math.sqrt(2 / math.pi) * sigma_z),
                            self.wind_height_m)
        return np.maximum(wind_at_height(z_mean, u_ref=u, z_ref=self.wind_height_m,
                                         roughness_m=self.roughness_m,
                                         obukhov_length_m=self.obukhov_length_m), MIN_WIND_M_S)

    def unit_concentration(self, src_x, src_y, height, rx, ry, rz, *,
                           direction_offset_deg=0.0, sigma_scale=1.0,
                           sigma_z_scale=1.0) -> np.ndarray:
        """Concentration (g/m^3) per g/s; arguments broadcast (sources against receptors,
        wind-direction offsets, sigma scales; ``sigma_z_scale`` scales sigma_z further)."""
        from_deg = self.wind_from_deg + np.asarray(direction_offset_deg, dtype=float)
        to = np.radians(from_deg + 180.0)
        ex, ey = np.sin(to), np.cos(to)
        dx, dy = np.asarray(rx) - np.asarray(src_x), np.asarray(ry) - np.asarray(src_y)
        x = dx * ex + dy * ey
        y = dx * ey - dy * ex
        xd = np.maximum(x, MIN_DISTANCE_M)
        sy, sz = self.sigmas(xd)
        sy, sz = sy * sigma_scale, sz * sigma_scale * sigma_z_scale
        u = self.transport_speed(height, sz)
        c = (np.exp(-(y * y) / (2 * sy * sy)) * vertical_term(rz, height, sz, self.mixing_height_m)
             / (2 * math.pi * u * sy * sz))
        return np.where(x > 0, c, 0.0)


@dataclass
class WindStep:
    """Wind from ``start_s`` on (until the next step): speed and 'from' direction."""

    start_s: float
    speed_m_s: float
    from_deg: float


def puff_chain(model: PlumeModel, *, source_xy: tuple[float, float], height: float,
               release: list[tuple[float, float, float]], winds: list[WindStep],
               receptors: np.ndarray, at_s: float, puffs_per_s: float = 0.2) -> np.ndarray:
    """Concentration (g/m^3) at ``at_s`` from a release that changes over time under a wind
    that turns.  ``release``: (start_s, end_s, rate_g_s) pieces.  Each puff of mass
    q dt is carried by the wind of its own time and spreads with sigma(travelled distance):
    C = M / ((2 pi)^1.5 sx sy sz) exp(-dx^2/2sx^2) exp(-dy^2/2sy^2) [reflection], sx = sy.
    ``receptors``: array (n, 3) of x, y, z."""
    winds = sorted(winds, key=lambda w: w.start_s)
    receptors = np.asarray(receptors, dtype=float).reshape(-1, 3)
    total = np.zeros(len(receptors))
    dt = 1.0 / puffs_per_s
    for start, end, rate in release:
        for t0 in np.arange(start, min(end, at_s), dt):
            mass = rate * min(dt, end - t0)
            px, py, travelled = source_xy[0], source_xy[1], 0.0
            for i, w in enumerate(winds):
                seg_start = max(w.start_s, t0)
                seg_end = winds[i + 1].start_s if i + 1 < len(winds) else at_s
                seg_end = min(seg_end, at_s)
                if seg_end <= seg_start:
                    continue
                ex, ey = toward_unit_vector(w.from_deg)
                step = max(w.speed_m_s, MIN_WIND_M_S) * (seg_end - seg_start)
                px, py, travelled = px + ex * step, py + ey * step, travelled + step
            sy, sz = model.sigmas(max(travelled, MIN_DISTANCE_M))
            sy, sz = float(sy), float(sz)
            d2 = (receptors[:, 0] - px) ** 2 + (receptors[:, 1] - py) ** 2
            vert = vertical_term(receptors[:, 2], height, sz, model.mixing_height_m)
            norm = mass / ((2 * math.pi) ** 1.5 * sy * sy * sz)
            total += norm * np.exp(-d2 / (2 * sy * sy)) * vert
    return total
