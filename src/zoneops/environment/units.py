"""Concentration units of gases: mg/m³, µg/m³, ppm, ppb. Pure (no Django).

A station's factor is reported in one unit and a rule's limit is stated in another; the
engine compares in the rule's unit, converting each reading with the factor's molar mass at
the reference state of GB 3095-2012 as amended (298.15 K, 1013.25 hPa: 24.45 L/mol):
mg/m³ = ppm × M / 24.45. The molar masses are data (data/molar_masses.json: formula and
standard atomic weights, cited there).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

__all__ = ["UNITS", "UnitError", "conversion", "molar_mass"]

MG_M3, UG_M3, PPM, PPB = "mg/m³", "µg/m³", "ppm", "ppb"
UNITS = (MG_M3, UG_M3, PPM, PPB)
# Each unit as (kind, multiple of the kind's base unit: mg/m³ or ppm).
_SCALE = {MG_M3: ("mass", 1.0), UG_M3: ("mass", 0.001), PPM: ("volume", 1.0),
          PPB: ("volume", 0.001)}
_ALIASES = {"ug/m3": UG_M3, "μg/m³": UG_M3, "mg/m3": MG_M3, "mg/m^3": MG_M3,
            "ug/m^3": UG_M3, "μg/m3": UG_M3}
DATA = Path(__file__).parent / "data" / "molar_masses.json"


class UnitError(ValueError):
    pass


def normalise(unit: str) -> str:
    """The canonical spelling of a unit ("ug/m3" -> "µg/m³"); "" stays "" (the default)."""
    unit = (unit or "").strip()
    unit = _ALIASES.get(unit.lower(), unit)
    if unit and unit not in _SCALE:
        raise UnitError(f"unknown unit {unit!r}: use one of {', '.join(UNITS)}")
    return unit


@cache
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def molar_volume() -> float:
    return float(_data()["molar_volume_l_per_mol"]["value"])


@cache
def molar_mass(code: str) -> float | None:
    """g/mol of a factor from its formula in the data file; None if it has none."""
    formula = _data()["formulas"].get(code)
    if formula is None:
        return None
    weights = _data()["atomic_weights"]
    return sum(float(weights[el]) * int(n or 1)
               for el, n in re.findall(r"([A-Z][a-z]?)(\d*)", formula))


def conversion(code: str, from_unit: str, to_unit: str) -> float:
    """The factor that turns a value of ``code`` in ``from_unit`` into ``to_unit``."""
    a, b = normalise(from_unit) or MG_M3, normalise(to_unit) or MG_M3
    if a == b:
        return 1.0
    (kind_a, scale_a), (kind_b, scale_b) = _SCALE[a], _SCALE[b]
    factor = scale_a / scale_b
    if kind_a == kind_b:
        return factor
    mass = molar_mass(code)
    if mass is None:
        raise UnitError(f"{code}: no molar mass to convert {a} to {b}")
    ratio = mass / molar_volume()  # mg/m³ per ppm
    return factor * ratio if kind_a == "volume" else factor / ratio
