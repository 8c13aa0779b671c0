"""Threat zones (pure, no Django): from a release to AEGL-1/2/3 zones as GeoJSON polygons, with
the receptors inside each counted and the evacuation direction, as ALOHA draws them.

- Source term (``data/threat_zone.json``, Crowl & Louvar ch. 3–4): a given rate and duration,
  or a tank — gas through a hole (choked or not), liquid through a hole into a pool that
  evaporates, or a liquefied gas flashing through a hole (equilibrium rate model).
- Dispersion: neutral gases through ``zoneops.dispersion`` (Gaussian plume, Briggs sigmas);
  gases denser than air (molar mass above air's, or a flashing two-phase release) through SLAB
  (Ermak 1990) as reimplemented by the ``slabx`` package. Each zone says which model drew it
  and the limits that apply (low wind, stable air, near field, a dense gas under Gaussian).
- Levels of concern: AEGL for the exposure duration (``aegl.py``); a level not recorded is
  missing, never invented.

Concentrations are time-averaged over 10 min (the averaging time of the sigma curves), from a
steady release (the zone is where the steady concentration exceeds the level).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from zoneops.dispersion import InputError, LocalProjection, PlumeModel, classify
from zoneops.dispersion.schema import number, obj_at

from . import aegl

DATA = Path(__file__).resolve().parent / "data" / "threat_zone.json"
AVERAGING_S = 600.0
X_MIN_M, X_MAX_M = 10.0, 10_000.0
LEVELS = (3, 2, 1)  # drawn innermost (most severe) first
PHASES = ("gas", "liquid", "liquefied_gas")
RECEPTOR_KINDS = ("station", "residential", "school", "hospital")
MODELS = ("auto", "gaussian", "dense")
GAUSSIAN = "gaussian_plume"
DENSE = "slab"


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def constant(name: str) -> float:
    return float(_data()["constants"][name]["value"])


@cache
def _substances() -> dict[str, dict]:
    return {row["cas"]: row for row in _data()["substances"]}


def substance(cas: str) -> dict | None:
    return _substances().get(cas)


# ---- source term ---------------------------------------------------------------------------


@dataclass
class Source:
    rate_kg_s: float
    duration_s: float
    method: str
    area_m2: float | None = None  # hole or pool area, for the dense-gas model
    liquid_fraction: float = 0.0  # two-phase release: the part that leaves as liquid
    temperature_k: float | None = None
    pool: bool = False
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "rate_kg_s": round(self.rate_kg_s, 6),
            "duration_s": round(self.duration_s, 1),
            "method": self.method,
            "area_m2": None if self.area_m2 is None else round(self.area_m2, 6),
            "liquid_fraction": round(self.liquid_fraction, 4),
            "citation": _data()["equations"]["citation"],
            "notes": self.notes,
        }


def vapour_pressure_pa(props: dict, temperature_k: float) -> float:
    """Clausius-Clapeyron through the normal boiling point."""
    molar = props["molar_mass_g_mol"] / 1000.0
    r = constant("gas_constant_j_mol_k")
    exponent = props["heat_of_vaporisation_j_kg"] * molar / r * (
        1.0 / props["boiling_point_k"] - 1.0 / temperature_k)
    return constant("atmospheric_pressure_pa") * math.exp(exponent)


def gas_orifice_kg_s(*, props: dict, area_m2: float, pressure_pa: float,
                     temperature_k: float) -> tuple[float, bool]:
    """Gas through a hole; returns (rate, choked)."""
    g = props["gamma_ideal_gas_25c"]
    molar = props["molar_mass_g_mol"] / 1000.0
    r, pa = constant("gas_constant_j_mol_k"), constant("atmospheric_pressure_pa")
    c0 = constant("discharge_coefficient_gas")
    if pressure_pa <= pa:
        return 0.0, False
    choked = pressure_pa / pa >= ((g + 1) / 2) ** (g / (g - 1))
    if choked:
        root = g * molar / (r * temperature_k) * (2 / (g + 1)) ** ((g + 1) / (g - 1))
        return c0 * area_m2 * pressure_pa * math.sqrt(root), True
    ratio = pa / pressure_pa
    root = (2 * molar / (r * temperature_k) * g / (g - 1)
            * (ratio ** (2 / g) - ratio ** ((g + 1) / g)))
    return c0 * area_m2 * pressure_pa * math.sqrt(root), False


def liquid_orifice_kg_s(*, props: dict, area_m2: float, gauge_pa: float,
                        liquid_height_m: float) -> float:
    rho = props["liquid_density_kg_m3"]
    head = 2 * (gauge_pa / rho + constant("gravity_m_s2") * liquid_height_m)
    return rho * area_m2 * constant("discharge_coefficient_liquid") * math.sqrt(max(head, 0.0))


def flashing_fraction(props: dict, temperature_k: float) -> float:
    fv = props["cp_liquid_j_kg_k"] * (temperature_k - props["boiling_point_k"]) / props[
        "heat_of_vaporisation_j_kg"]
    return min(max(fv, 0.0), 1.0)


def two_phase_kg_s(*, props: dict, area_m2: float, temperature_k: float) -> float:
    """Equilibrium rate model for a liquefied gas at its own vapour pressure."""
    molar = props["molar_mass_g_mol"] / 1000.0
    r = constant("gas_constant_j_mol_k")
    psat = vapour_pressure_pa(props, temperature_k)
    vfg = r * temperature_k / (molar * psat) - 1.0 / props["liquid_density_kg_m3"]
    return (props["heat_of_vaporisation_j_kg"] * area_m2 / vfg
            * math.sqrt(1.0 / (temperature_k * props["cp_liquid_j_kg_k"])))


def pool_evaporation_kg_s(*, props: dict, area_m2: float, temperature_k: float) -> float:
    molar_g = props["molar_mass_g_mol"]
    k = constant("mass_transfer_reference_k0_m_s") * (
        constant("mass_transfer_reference_molar_mass") / molar_g) ** (1 / 3)
    psat = min(vapour_pressure_pa(props, temperature_k), constant("atmospheric_pressure_pa"))
    return molar_g / 1000.0 * k * area_m2 * psat / (constant("gas_constant_j_mol_k")
                                                     * temperature_k)


def read_source(doc: dict, props: dict | None) -> Source:
    release = obj_at(doc, "release")
    max_s = constant("max_release_s")
    if "tank" not in release:
        rate = number(release, "rate_kg_s", "release", exclusive_minimum=0.0)
        duration = number(release, "duration_s", "release", exclusive_minimum=0.0)
        area = number(release, "area_m2", "release", required=False, exclusive_minimum=0.0)
        notes = []
        if duration > max_s:
            notes.append(f"duration capped at {max_s:g} s")
        return Source(rate, min(duration, max_s), "given", area_m2=area, notes=notes)
    if props is None:
        raise InputError("chemical", "a tank release needs the chemical's physical properties, "
                         "which data/threat_zone.json does not hold for it; give rate_kg_s")
    tank = obj_at(release, "tank", "release")
    phase = tank.get("phase")
    if phase not in PHASES:
        raise InputError("release.tank.phase", f"must be one of {', '.join(PHASES)}")
    diameter = number(tank, "hole_diameter_mm", "release.tank", exclusive_minimum=0.0,
                      maximum=5000.0) / 1000.0
    area = math.pi * diameter * diameter / 4
    temperature = number(tank, "temperature_c", "release.tank", minimum=-273.0,
                         maximum=500.0) + 273.15
    mass = number(tank, "mass_kg", "release.tank", required=False, exclusive_minimum=0.0)
    notes: list[str] = []
    pool = False
    liquid_fraction = 0.0
    source_area = area
    if phase == "gas":
        gauge = number(tank, "pressure_kpa", "release.tank", exclusive_minimum=0.0) * 1000.0
        rate, choked = gas_orifice_kg_s(props=props, area_m2=area,
                                        pressure_pa=gauge + constant("atmospheric_pressure_pa"),
                                        temperature_k=temperature)
        method = "gas_through_hole_choked" if choked else "gas_through_hole_unchoked"
        notes.append("tank pressure held constant (conservative: it falls as the tank empties)")
    elif phase == "liquefied_gas":
        if temperature <= props["boiling_point_k"]:
            raise InputError("release.tank.temperature_c",
                             "a liquefied gas must be stored above its normal boiling point; "
                             "below it, give phase liquid")
        rate = two_phase_kg_s(props=props, area_m2=area, temperature_k=temperature)
        fv = flashing_fraction(props, temperature)
        liquid_fraction = 1.0 - fv
        method = "two_phase_equilibrium_rate"
        notes.append(f"flashing fraction {fv:.3f}; all of the discharge taken as airborne "
                     "(aerosol included), as is usual for a flashing jet")
    else:
        gauge = number(tank, "pressure_kpa", "release.tank", required=False,
                       minimum=0.0) or 0.0
        height = number(tank, "liquid_height_m", "release.tank", required=False,
                        minimum=0.0) or 0.0
        pool_area = number(tank, "pool_area_m2", "release.tank", exclusive_minimum=0.0)
        if temperature >= props["boiling_point_k"]:
            raise InputError("release.tank.temperature_c",
                             "the liquid boils at this temperature: give phase liquefied_gas")
        spill = liquid_orifice_kg_s(props=props, area_m2=area, gauge_pa=gauge * 1000.0,
                                    liquid_height_m=height)
        rate = pool_evaporation_kg_s(props=props, area_m2=pool_area, temperature_k=temperature)
        method = "pool_evaporation"
        pool, source_area = True, pool_area
        notes.append(f"liquid leaves the hole at {spill:.3f} kg/s into a pool of "
                     f"{pool_area:g} m2 (the dike); the pool evaporates at {rate:.4f} kg/s")
        spill_s = (mass / spill) if (mass and spill > 0) else None
        if spill_s is not None:
            notes.append(f"the tank empties in {spill_s:.0f} s; the pool evaporates on")
    if rate <= 0:
        raise InputError("release.tank", "nothing flows out at these conditions")
    duration = max_s if mass is None else min(max_s, mass / rate)
    if mass is None:
        notes.append(f"no mass given: release taken to last {max_s:g} s")
    return Source(rate, duration, method, area_m2=source_area, liquid_fraction=liquid_fraction,
                  temperature_k=temperature, pool=pool, notes=notes)


# ---- weather --------------------------------------------------------------------------------


@dataclass
class Met:
    speed: float
    from_deg: float
    height: float
    stability: str
    stability_method: str
    temperature_k: float
    roughness: float
    warnings: list[str]


def read_met(doc: dict) -> Met:
    met = obj_at(doc, "met")
    stability = met.get("stability")
    if stability is not None and stability not in ("A", "B", "C", "D", "E", "F"):
        raise InputError("met.stability", "must be one of A-F, or null for automatic")
    daytime = met.get("daytime")
    if daytime is not None and not isinstance(daytime, bool):
        raise InputError("met.daytime", "must be true or false")
    insolation = met.get("insolation")
    if insolation is not None and insolation not in ("strong", "moderate", "slight"):
        raise InputError("met.insolation", "must be strong, moderate or slight")
    speed = number(met, "wind_speed_m_s", "met", minimum=0.0, maximum=60.0)
    cloud = number(met, "cloud_oktas", "met", required=False, minimum=0.0, maximum=8.0)
    cls, method, warnings = classify(stability=stability, wind_speed_m_s=speed, daytime=daytime,
                                     insolation=insolation, cloud_oktas=cloud)
    roughness = number(met, "roughness_m", "met", required=False, exclusive_minimum=0.0,
                       maximum=3.0)
    if roughness is None:
        roughness = 0.1
        warnings.append("roughness: not given, 0.1 m assumed")
    temp = number(met, "temperature_c", "met", required=False, minimum=-60.0, maximum=60.0)
    if temp is None:
        temp = 20.0
        warnings.append("temperature: not given, 20 °C assumed")
    return Met(speed=speed, from_deg=number(met, "wind_from_deg", "met", minimum=0.0,
                                            maximum=360.0) % 360.0,
               height=number(met, "wind_height_m", "met", required=False,
                             exclusive_minimum=0.0) or 10.0,
               stability=cls, stability_method=method, temperature_k=temp + 273.15,
               roughness=roughness, warnings=warnings)


# ---- dispersion: a footprint is the half-width y(x) of one level ----------------------------


@dataclass
class Footprint:
    x: np.ndarray  # downwind distances (m) where the level is exceeded, increasing
    half_width: np.ndarray  # crosswind half-width (m) at each x

    @property
    def empty(self) -> bool:
        return len(self.x) == 0

    def contains(self, along: np.ndarray, across: np.ndarray) -> np.ndarray:
        if self.empty:
            return np.zeros(np.shape(along), dtype=bool)
        inside = (along >= 0) & (along <= self.x[-1])
        w = np.interp(along, np.concatenate([[0.0], self.x]),
                      np.concatenate([[self.half_width[0]], self.half_width]))
        return inside & (np.abs(across) <= w)


def _footprint(x: np.ndarray, centre: np.ndarray, width: np.ndarray, level: float) -> Footprint:
    """The points where the centreline exceeds ``level``, closed by the far edge interpolated
    in log-concentration on log-distance between the last point above and the next."""
    above = centre > level
    if not above.any():
        return Footprint(np.zeros(0), np.zeros(0))
    last = int(np.nonzero(above)[0][-1])
    xs, ws = list(x[: last + 1][above[: last + 1]]), list(width[: last + 1][above[: last + 1]])
    if last + 1 < len(x):
        c0, c1 = math.log(centre[last]), math.log(max(centre[last + 1], 1e-300))
        f = (c0 - math.log(level)) / (c0 - c1) if c0 != c1 else 0.0
        xs.append(math.exp(math.log(x[last]) + f * (math.log(x[last + 1]) - math.log(x[last]))))
        ws.append(0.0)
    return Footprint(np.asarray(xs), np.asarray(ws))


def gaussian_footprints(*, met: Met, rate_g_s: float, height_m: float,
                        levels_mg_m3: list[float]) -> tuple[list[Footprint], list[str]]:
    model = PlumeModel(stability=met.stability, wind_speed_m_s=met.speed,
                       wind_from_deg=met.from_deg, averaging_time_s=AVERAGING_S,
                       sigma_source="briggs_urban" if met.roughness >= 0.5 else "briggs_rural")
    x = np.geomspace(1.0, X_MAX_M, 400)
    # Straight downwind from the source: wind from the north, receptors due south.
    centre = model.unit_concentration(0.0, 0.0, height_m, 0.0, -x, 0.0,
                                      direction_offset_deg=-met.from_deg) * rate_g_s * 1000.0
    sy, _sz = model.sigmas(x)
    prints = []
    for level in levels_mg_m3:
        ratio = np.where(centre > level, centre / level, 1.0)
        width = sy * np.sqrt(2.0 * np.log(ratio))
        prints.append(_footprint(x, centre, width, level))
    return prints, list(model.warnings)


def dense_footprints(*, met: Met, props: dict, source: Source, height_m: float,
                     levels_ppm: list[float]) -> list[Footprint]:
    from slabx.core.plume import run_dispersion
    from slabx.core.source import EvaporatingPool, HorizontalJet
    from slabx.post.concentration import concentration_field
    from slabx.submodels.atmosphere import Atmosphere
    from slabx.thermo.base import LegacyThermo, Substance, water_backend

    sub = Substance(name=props["name_en"], mw=props["molar_mass_g_mol"] / 1000.0,
                    cp_vapour=props["cp_vapour_j_kg_k"], cp_liquid=props["cp_liquid_j_kg_k"],
                    dh_vap=props["heat_of_vaporisation_j_kg"], T_boil=props["boiling_point_k"],
                    rho_liquid=props["liquid_density_kg_m3"])
    atm = Atmosphere(u_ref=max(met.speed, 1.0), z_ref=met.height, T=met.temperature_k, rh=50.0,
                     z0=met.roughness, stability=met.stability)
    if source.pool:
        src = EvaporatingPool(substance=sub, rate=source.rate_kg_s, area=source.area_m2,
                              duration=source.duration_s)
    else:
        src = HorizontalJet(substance=sub, rate=source.rate_kg_s, area=source.area_m2,
                            duration=source.duration_s, liquid_fraction=source.liquid_fraction,
                            T_source=source.temperature_k if not source.liquid_fraction
                            else None, height=height_m)
    traj, _used = run_dispersion(src, atm, LegacyThermo(sub), water_backend(), x_max=X_MAX_M,
                                 n_puff_steps=40)
    fld = concentration_field(traj, atm, z=0.0, t_avg=AVERAGING_S, t_release=source.duration_s)
    keep = (fld.x > 0) & (fld.x <= X_MAX_M)
    xs = np.asarray(fld.x)[keep]
    widest = float(np.max(fld.B_c[keep])) * 4.0 + 1.0
    ys = np.linspace(0.0, widest, 400)
    coarse = np.atleast_2d(fld.at_y(ys))[:, keep]  # (ny, nx) volume fraction
    # SLAB reports ten distances a decade: resample log-concentration on log-distance, as
    # SLAB's own distance_to interpolates, so a zone's edge is not stuck on its grid.
    xf = np.geomspace(xs[0], xs[-1], 400)
    logc = np.log(np.maximum(coarse, 1e-30))
    profile = np.exp(np.array([np.interp(np.log(xf), np.log(xs), row) for row in logc]))
    xs = xf
    prints = []
    for ppm in levels_ppm:
        level = ppm * 1e-6
        above = profile >= level
        last = np.where(above.any(axis=0), above.shape[0] - 1 - np.argmax(above[::-1], axis=0),
                        0)
        prints.append(_footprint(xs, profile[0], ys[last], level))
    return prints


# ---- the zone -------------------------------------------------------------------------------


def _ring(fp: Footprint, to_deg: float, projection: LocalProjection) -> list[list[float]]:
    """The footprint as a closed lon/lat ring, rotated to the wind."""
    to = math.radians(to_deg)
    ex, ey = math.sin(to), math.cos(to)  # downwind unit vector (east, north)
    nx, ny = ey, -ex  # to the right of downwind
    x = np.concatenate([[0.0], fp.x])
    w = np.concatenate([[0.0], fp.half_width])
    # A cap beyond the last point, so the ring closes on the centreline.
    side = [(xi, wi) for xi, wi in zip(x, w, strict=True)]
    pts = side + [(fp.x[-1] * 1.001 + 1.0, 0.0)] + [(xi, -wi) for xi, wi in reversed(side[1:])]
    ring = []
    for along, across in pts:
        px, py = along * ex + across * nx, along * ey + across * ny
        lon, lat = projection.to_lonlat(px, py)
        ring.append([round(lon, 7), round(lat, 7)])
    ring.append(ring[0])
    return ring


def _receptors(doc: dict, projection: LocalProjection) -> list[dict]:
    items = doc.get("receptors") or []
    if not isinstance(items, list):
        raise InputError("receptors", "must be a list")
    out = []
    for i, item in enumerate(items):
        path = f"receptors[{i}]"
        if not isinstance(item, dict):
            raise InputError(path, "must be an object")
        kind = item.get("kind")
        if kind not in RECEPTOR_KINDS:
            raise InputError(f"{path}.kind", f"must be one of {', '.join(RECEPTOR_KINDS)}")
        lon = number(item, "lon", path, minimum=-180.0, maximum=180.0)
        lat = number(item, "lat", path, minimum=-89.9, maximum=89.9)
        population = number(item, "population", path, required=False, minimum=0.0) or 0
        x, y = projection.to_xy(lon, lat)
        out.append({"id": item.get("id", i), "kind": kind, "x": x, "y": y,
                    "population": int(population), "name": str(item.get("name", ""))})
    return out


def _chemical(doc: dict) -> tuple[str, dict | None, float]:
    chem = obj_at(doc, "chemical")
    cas = chem.get("cas")
    if not isinstance(cas, str) or not cas.strip():
        raise InputError("chemical.cas", "required: the CAS number of the released chemical")
    cas = cas.strip()
    props = substance(cas)
    molar = number(chem, "molar_mass_g_mol", "chemical", required=False, exclusive_minimum=0.0)
    if molar is None:
        if props is None:
            raise InputError("chemical.molar_mass_g_mol",
                             f"{cas} is not in data/threat_zone.json: give its molar mass")
        molar = props["molar_mass_g_mol"]
    return cas, props, float(molar)


def threat_zone(doc: Any) -> dict:
    """The RELEASE document → a GeoJSON FeatureCollection (see docs/hazards.md)."""
    if not isinstance(doc, dict):
        raise InputError("$", "the document must be a JSON object")
    cas, props, molar = _chemical(doc)
    exposure = doc.get("exposure", "60min")
    if exposure not in aegl.DURATIONS:
        raise InputError("exposure", f"must be one of {', '.join(aegl.DURATIONS)}")
    levels = []
    for level in LEVELS:
        ppm = aegl.aegl_ppm(cas, level, exposure)
        if ppm is not None:
            levels.append((level, float(ppm)))
    if not levels:
        raise InputError("chemical.cas", f"no AEGL level of concern for {cas} at {exposure} is "
                         "recorded (data/aegl.json); none is invented, so no zone is drawn")
    choice = doc.get("model", "auto")
    if choice not in MODELS:
        raise InputError("model", f"must be one of {', '.join(MODELS)}")
    src_doc = obj_at(doc, "source")
    lon = number(src_doc, "lon", "source", minimum=-180.0, maximum=180.0)
    lat = number(src_doc, "lat", "source", minimum=-89.9, maximum=89.9)
    height = number(src_doc, "height_m", "source", required=False, minimum=0.0,
                    maximum=300.0) or 0.0
    met = read_met(doc)
    source = read_source(doc, props)
    air = constant("air_molar_mass_g_mol")
    denser = molar > air or source.liquid_fraction > 0
    limits: list[str] = list(met.warnings)
    if choice == "dense" or (choice == "auto" and denser):
        if props is None or source.area_m2 is None:
            if choice == "dense":
                raise InputError("release.area_m2" if props else "chemical.cas",
                                 "the dense-gas model needs the chemical's properties and a "
                                 "source area (a tank release, or release.area_m2)")
            model = GAUSSIAN
            limits.append("dense_as_gaussian: denser than air, but the dense-gas model lacks "
                          "its properties or a source area; the Gaussian plume understates "
                          "the near field and overstates the spread of a heavy cloud")
        else:
            model = DENSE
    else:
        model = GAUSSIAN
        if denser:
            limits.append("dense_as_gaussian: denser than air, drawn by the Gaussian plume as "
                          "asked; it understates the near field of a heavy cloud")
    if model == GAUSSIAN:
        mg = [ppm * molar / float(aegl.MOLAR_VOLUME_25C) for _l, ppm in levels]
        prints, warnings = gaussian_footprints(met=met, rate_g_s=source.rate_kg_s * 1000.0,
                                               height_m=height, levels_mg_m3=mg)
        limits += [w for w in warnings if not w.startswith("mixing_height")]
    else:
        prints = dense_footprints(met=met, props=props, source=source, height_m=height,
                                  levels_ppm=[ppm for _l, ppm in levels])
    # ALOHA's own limits (project reference): under 1.5 m/s, in very stable air.
    if met.speed < 1.5:
        limits.append(f"low_wind: {met.speed:g} m/s is under 1.5 m/s; zones are unreliable"
                      + (" (the plume clamps the wind to 1 m/s)" if model == GAUSSIAN else ""))
    if met.stability in ("E", "F"):
        limits.append(f"very_stable: class {met.stability}; the cloud stays concentrated and "
                      "meanders: expect errors of a factor of several")
    limits.append("near_field: within 100 m of the source the zone is not reliable")
    if any(not fp.empty and fp.x[-1] >= X_MAX_M * 0.999 for fp in prints):
        limits.append("far_field: a zone reaches 10 km and is cut there")
    limits.append("steady: a steady release is assumed; a short release's zone is overstated "
                  "far downwind")
    projection = LocalProjection(lon, lat)
    receptors = _receptors(doc, projection)
    to_deg = (met.from_deg + 180.0) % 360.0
    to = math.radians(to_deg)
    ex, ey = math.sin(to), math.cos(to)
    rx = np.array([r["x"] for r in receptors], dtype=float)
    ry = np.array([r["y"] for r in receptors], dtype=float)
    along, across = rx * ex + ry * ey, rx * ey - ry * ex
    features = []
    for (level, ppm), fp in zip(levels, prints, strict=True):
        inside = fp.contains(along, across) if receptors else np.zeros(0, dtype=bool)
        hit = [r for r, ok in zip(receptors, inside, strict=True) if ok]
        counts = {
            "stations": sum(1 for r in hit if r["kind"] == "station"),
            "residents": sum(r["population"] for r in hit if r["kind"] == "residential"),
            "schools": sum(1 for r in hit if r["kind"] == "school"),
            "hospitals": sum(1 for r in hit if r["kind"] == "hospital"),
        }
        props_out = {
            "kind": "threat_zone", "level": f"AEGL-{level}", "exposure": exposure,
            "threshold_ppm": ppm,
            "threshold_mg_m3": round(ppm * molar / float(aegl.MOLAR_VOLUME_25C), 4),
            "threshold_source": "AEGL (data/aegl.json)",
            "distance_m": 0.0 if fp.empty else round(float(fp.x[-1]), 1),
            "max_half_width_m": 0.0 if fp.empty else round(float(fp.half_width.max()), 1),
            "counts": counts,
            "inside": [{"id": r["id"], "kind": r["kind"], "name": r["name"]} for r in hit],
        }
        geometry = None if fp.empty else {"type": "Polygon",
                                          "coordinates": [_ring(fp, to_deg, projection)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props_out})
    features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                     "properties": {"kind": "source"}})
    model_text = ("Gaussian plume (zoneops.dispersion, Briggs sigmas, 10-min average)"
                  if model == GAUSSIAN else
                  "SLAB dense-gas model (Ermak 1990) as reimplemented by the slabx package")
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "chemical": {"cas": cas, "molar_mass_g_mol": molar,
                         "name": props["name"] if props else None,
                         "name_en": props["name_en"] if props else None},
            "model": model,
            "model_text": model_text,
            "denser_than_air": denser,
            "limits": limits,
            "source_term": source.as_json(),
            "met": {"wind_speed_m_s": met.speed, "wind_from_deg": met.from_deg,
                    "stability": met.stability, "stability_method": met.stability_method,
                    "temperature_c": round(met.temperature_k - 273.15, 2),
                    "roughness_m": met.roughness},
            "levels_missing": [f"AEGL-{n}" for n in LEVELS if n not in dict(levels)],
            "evacuation": {
                "downwind_deg": round(to_deg, 1),
                "crosswind_deg": [round((to_deg + 90.0) % 360.0, 1),
                                  round((to_deg + 270.0) % 360.0, 1)],
                "upwind_deg": round(met.from_deg, 1),
                "advice": "leave crosswind first (out of the plume's width), then go upwind",
            },
        },
    }
