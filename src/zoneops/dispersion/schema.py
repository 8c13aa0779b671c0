"""Reading the command documents (CASE, OBS) with errors that name the field."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .coefficients import CLASSES
from .geo import LocalProjection


class InputError(ValueError):
    """Bad input; ``field`` is the JSON path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def number(obj: dict, key: str, path: str, *, required: bool = True, minimum: float | None = None,
           exclusive_minimum: float | None = None, maximum: float | None = None) -> float | None:
    where = f"{path}.{key}" if path else key
    if key not in obj or obj[key] is None:
        if required:
            raise InputError(where, "required number is missing")
        return None
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(where, f"must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise InputError(where, f"must be >= {minimum:g}, got {value!r}")
    if exclusive_minimum is not None and value <= exclusive_minimum:
        raise InputError(where, f"must be > {exclusive_minimum:g}, got {value!r}")
    if maximum is not None and value > maximum:
        raise InputError(where, f"must be <= {maximum:g}, got {value!r}")
    return float(value)


def obj_at(doc: Any, key: str, path: str = "") -> dict:
    where = f"{path}.{key}" if path else key
    if not isinstance(doc, dict) or not isinstance(doc.get(key), dict):
        raise InputError(where, "required object is missing")
    return doc[key]


def list_at(doc: dict, key: str, *, required: bool = True, non_empty: bool = True) -> list | None:
    if key not in doc or doc[key] is None:
        if required:
            raise InputError(key, "required list is missing")
        return None
    if not isinstance(doc[key], list):
        raise InputError(key, "must be a list")
    if non_empty and not doc[key]:
        raise InputError(key, "must not be empty")
    return doc[key]


@dataclass
class MetInput:
    wind_speed_m_s: float
    wind_height_m: float
    wind_from_deg: float
    sigma_theta_deg: float | None
    obukhov_length_m: float | None
    friction_velocity_m_s: float | None
    mixing_height_m: float | None
    roughness_m: float | None
    stability: str | None


def read_met(doc: dict) -> MetInput:
    met = obj_at(doc, "met")
    stability = met.get("stability")
    if stability is not None and stability not in CLASSES:
        raise InputError("met.stability", f"must be one of A-F or null, got {stability!r}")
    obukhov = number(met, "obukhov_length_m", "met", required=False)
    if obukhov == 0:
        raise InputError("met.obukhov_length_m", "must not be 0")
    return MetInput(
        wind_speed_m_s=number(met, "wind_speed_m_s", "met", minimum=0.0),
        wind_height_m=number(met, "wind_height_m", "met", exclusive_minimum=0.0),
        wind_from_deg=number(met, "wind_from_deg", "met", minimum=0.0, maximum=360.0),
        sigma_theta_deg=number(met, "sigma_theta_deg", "met", required=False, minimum=0.0,
                               maximum=180.0),
        obukhov_length_m=obukhov,
        friction_velocity_m_s=number(met, "friction_velocity_m_s", "met", required=False,
                                     minimum=0.0),
        mixing_height_m=number(met, "mixing_height_m", "met", required=False,
                               exclusive_minimum=0.0),
        roughness_m=number(met, "roughness_m", "met", required=False, exclusive_minimum=0.0),
        stability=stability,
    )


class Coordinates:
    """Turns each point's x_m/y_m or lon/lat into local metres.  The origin of lon/lat input
    is the mean lon/lat of every lon/lat point in the document."""

    def __init__(self, doc: dict, list_keys: tuple[str, ...]) -> None:
        lons, lats = [], []
        for key in list_keys:
            for i, item in enumerate(doc.get(key) or []):
                if isinstance(item, dict) and "x_m" not in item and "lon" in item:
                    path = f"{key}[{i}]"
                    lons.append(number(item, "lon", path, minimum=-180, maximum=180))
                    lats.append(number(item, "lat", path, minimum=-89.9, maximum=89.9))
        self.projection = (LocalProjection(sum(lons) / len(lons), sum(lats) / len(lats))
                           if lons else None)

    def xy(self, item: Any, path: str) -> tuple[float, float]:
        if not isinstance(item, dict):
            raise InputError(path, "must be an object")
        if "x_m" in item or "y_m" in item:
            return number(item, "x_m", path), number(item, "y_m", path)
        if "lon" in item or "lat" in item:
            lon = number(item, "lon", path, minimum=-180, maximum=180)
            lat = number(item, "lat", path, minimum=-89.9, maximum=89.9)
            return self.projection.to_xy(lon, lat)
        raise InputError(f"{path}.x_m", "required: x_m and y_m, or lon and lat")


def item_id(item: dict, path: str) -> str:
    value = item.get("id")
    if value is None or value == "" or isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(f"{path}.id", "required id (string or integer) is missing")
    return value
