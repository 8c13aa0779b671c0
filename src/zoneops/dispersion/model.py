"""``predict``: concentrations at receptors from point sources, with stability, sigma
source and warnings carried on every result."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .coefficients import URBAN_ROUGHNESS_M
from .plume import MIN_WIND_M_S, PlumeModel
from .schema import Coordinates, InputError, MetInput, item_id, list_at, number, read_met
from .stability import classify

NEAR_FIELD_M = 100.0
FAR_FIELD_M = 10_000.0


def resolve_met(met: MetInput, averaging_time_s: float, *, sigma_mode: str = "briggs",
                profile_transport: bool | None = None) -> PlumeModel:
    """Choose class (auto = best of the input), sigma source and wind handling.

    ``sigma_mode``: ``briggs`` (default: Briggs curves, class from the best input; it did
    better on Prairie Grass arc maxima) or ``sigma_theta`` (sigma_y from measured sigma-theta
    when given, Draxler 1976)."""
    cls, method, warnings = classify(
        stability=met.stability, obukhov_length_m=met.obukhov_length_m,
        roughness_m=met.roughness_m, sigma_theta_deg=met.sigma_theta_deg)
    urban = (met.roughness_m or 0.0) >= URBAN_ROUGHNESS_M
    source = "briggs_urban" if urban else "briggs_rural"
    if sigma_mode == "sigma_theta" and met.sigma_theta_deg is not None and met.sigma_theta_deg > 0:
        source = "sigma_theta"
        warnings = [w for w in warnings if not w.startswith("sigma_theta:")]
    if met.wind_speed_m_s < MIN_WIND_M_S:
        warnings.append(f"low_wind: {met.wind_speed_m_s:g} m/s is below {MIN_WIND_M_S:g} m/s; "
                        "the plume model does not hold, speed clamped to 1 m/s")
    if cls in ("E", "F"):
        warnings.append(f"very_stable: class {cls}; plumes meander and stay concentrated, "
                        "expect errors of a factor of several")
    if met.mixing_height_m is None:
        warnings.append("mixing_height: not given, no lid applied")
    if profile_transport is None:
        profile_transport = met.roughness_m is not None and source == "sigma_theta"
    model = PlumeModel(
        stability=cls, wind_speed_m_s=met.wind_speed_m_s, wind_from_deg=met.wind_from_deg,
        sigma_source=source, sigma_theta_deg=met.sigma_theta_deg,
        averaging_time_s=averaging_time_s, wind_height_m=met.wind_height_m,
        roughness_m=met.roughness_m, obukhov_length_m=met.obukhov_length_m,
        mixing_height_m=met.mixing_height_m, profile_transport=profile_transport,
        stability_method=method, warnings=warnings)
    return model


@dataclass
class Prediction:
    receptor_ids: list
    mg_m3: np.ndarray
    stability: str
    stability_method: str
    sigma_source: str
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"receptors": [{"id": rid, "mg_m3": float(c)}
                              for rid, c in zip(self.receptor_ids, self.mg_m3, strict=True)],
                "stability": self.stability, "warnings": self.warnings}


def read_averaging_time(doc: dict) -> float:
    return number(doc, "averaging_time_s", "", exclusive_minimum=0.0)


def predict_case(doc: dict, *, sigma_mode: str = "briggs") -> Prediction:
    """Run a CASE document (see the issue's schema)."""
    if not isinstance(doc, dict):
        raise InputError("$", "the document must be a JSON object")
    met = read_met(doc)
    averaging = read_averaging_time(doc)
    coords = Coordinates(doc, ("sources", "receptors"))
    sources = list_at(doc, "sources")
    receptors = list_at(doc, "receptors")
    src = []
    for i, s in enumerate(sources):
        path = f"sources[{i}]"
        x, y = coords.xy(s, path)
        item_id(s, path)
        src.append((x, y, number(s, "height_m", path, minimum=0.0),
                    number(s, "rate_g_s", path, minimum=0.0)))
    rec, ids = [], []
    for i, r in enumerate(receptors):
        path = f"receptors[{i}]"
        x, y = coords.xy(r, path)
        ids.append(item_id(r, path))
        rec.append((x, y, number(r, "height_m", path, minimum=0.0)))
    model = resolve_met(met, averaging, sigma_mode=sigma_mode)
    s = np.asarray(src, dtype=float)
    r = np.asarray(rec, dtype=float)
    unit = model.unit_concentration(s[:, None, 0], s[:, None, 1], s[:, None, 2],
                                    r[None, :, 0], r[None, :, 1], r[None, :, 2])
    mg = (unit * s[:, 3:4]).sum(axis=0) * 1000.0
    warnings = list(model.warnings)
    dist = np.hypot(r[None, :, 0] - s[:, None, 0], r[None, :, 1] - s[:, None, 1])
    near = sorted({ids[j] for j in np.nonzero((dist < NEAR_FIELD_M).any(axis=0))[0]}, key=str)
    if near:
        warnings.append("near_field: receptors under 100 m from a source, outside the "
                        f"range the sigma curves were fitted on: {', '.join(map(str, near))}")
    if (dist > FAR_FIELD_M).any():
        warnings.append("far_field: receptors beyond 10 km; a straight-line plume is "
                        "unreliable there")
    return Prediction(ids, mg, model.stability, model.stability_method, model.sigma_source,
                      warnings)
