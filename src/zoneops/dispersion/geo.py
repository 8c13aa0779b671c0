"""Local metres (x east, y north) and WGS-84 lon/lat.

Projection: a local tangent-plane (equirectangular) projection about an origin (lon0,
lat0), with the WGS-84 meridional radius M and prime-vertical radius N at lat0:
x = N cos(lat0) (lon - lon0), y = M (lat - lat0).  Within 10 km of the origin the distance
error is below 0.1 %, far under the uncertainty of any plume model.
"""

from __future__ import annotations

import math

WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)


def _radii(lat0_deg: float) -> tuple[float, float]:
    s = math.sin(math.radians(lat0_deg))
    w = 1.0 - WGS84_E2 * s * s
    return WGS84_A * (1.0 - WGS84_E2) / w ** 1.5, WGS84_A / math.sqrt(w)


class LocalProjection:
    """Forward and inverse local projection about (lon0, lat0)."""

    def __init__(self, lon0: float, lat0: float) -> None:
        if not (-180.0 <= lon0 <= 180.0 and -90.0 < lat0 < 90.0):
            raise ValueError("origin out of range")
        self.lon0, self.lat0 = lon0, lat0
        m, n = _radii(lat0)
        self._ky = math.radians(1.0) * m
        self._kx = math.radians(1.0) * n * math.cos(math.radians(lat0))

    def to_xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky

    def to_lonlat(self, x_m: float, y_m: float) -> tuple[float, float]:
        return self.lon0 + x_m / self._kx, self.lat0 + y_m / self._ky


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))
