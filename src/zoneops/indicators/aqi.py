"""IAQI and AQI of one day per HJ 633-2012 (pure: no Django).

The breakpoints live in data/hj633_2012_iaqi.json with their table. Arithmetic is exact
(fractions), so a concentration on a breakpoint gives that breakpoint's IAQI and the round-up
never turns 100 into 101 through a binary float.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("data") / "hj633_2012_iaqi.json"


class AqiInputError(ValueError):
    """A day's input is unusable; `field` names the offending key."""

    def __init__(self, field_name: str, message: str, *, full: str | None = None) -> None:
        super().__init__(full or f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class DayAqi:
    aqi: int
    category: str
    primary: list[str]
    iaqi: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"aqi": self.aqi, "category": self.category, "primary": list(self.primary),
                "iaqi": dict(self.iaqi)}


@cache
def table() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as source:
        return json.load(source)


def input_fields() -> list[str]:
    """The keys a day needs, in the data file's order (so2_24h, no2_24h, …, o3_8h)."""
    return [spec["field"] for spec in table()["pollutants"].values()]


def _exact(field_name: str, value: Any) -> Fraction:
    # JSON numbers only: a quoted "35" is a sheet-cleaning slip worth reporting, not guessing.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise AqiInputError(field_name, f"not a number: {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise AqiInputError(field_name, f"not a number: {value!r}") from exc
    if not number.is_finite():
        raise AqiInputError(field_name, f"not a finite number: {value!r}")
    if number < 0:
        raise AqiInputError(field_name, f"negative concentration: {value!r}")
    return Fraction(number)


def _interpolate(concentration: Fraction, breakpoints: list[float]) -> Fraction | None:
    """The IAQI between the two breakpoints around `concentration`, unrounded; None above the
    last breakpoint."""
    levels = table()["iaqi"]
    points = [Fraction(Decimal(str(bp))) for bp in breakpoints]
    for i in range(1, len(points)):
        low, high = points[i - 1], points[i]
        if concentration <= high:
            return (Fraction(levels[i] - levels[i - 1]) / (high - low) * (concentration - low)
                    + levels[i - 1])
    return None


def iaqi_of(concentration: Fraction, breakpoints: list[float]) -> int:
    """IAQI rounded up to an integer (HJ 633-2012: results are rounded up, 进位取整). Above the
    last breakpoint of a full row (IAQI 500) the index stays at 500, the top of the scale
    (HJ 633-2012 defines no index beyond it; this cap is our reading, see the user guide)."""
    value = _interpolate(concentration, breakpoints)
    if value is None:
        return table()["iaqi"][len(breakpoints) - 1]
    return math.ceil(value)


def category_of(aqi: int) -> str:
    for cat in table()["categories"]:
        if cat["max_aqi"] is None or aqi <= cat["max_aqi"]:
            return cat["name"]
    raise AssertionError("the last category has no upper bound")


def day_aqi(day: dict[str, Any]) -> DayAqi:
    """AQI, category, primary pollutant(s) and each IAQI of one day.

    `day` holds the 24-hour means (µg/m³; CO in mg/m³) and the daily maximum 8-hour O3 mean.
    When o3_8h is above 800 µg/m³, HJ 633-2012 indexes O3 by its 1-hour mean: the day must
    then also carry "o3_1h" (daily maximum 1-hour mean, µg/m³)."""
    if not isinstance(day, dict):
        raise AqiInputError("day", "expected a JSON object")
    data = table()
    problems: list[AqiInputError] = []
    concentrations: dict[str, Fraction] = {}
    for spec in data["pollutants"].values():
        key = spec["field"]
        try:
            if key not in day or day[key] is None:
                raise AqiInputError(key, "missing")
            concentrations[key] = _exact(key, day[key])
        except AqiInputError as exc:
            problems.append(exc)
    if problems:  # every bad field at once, not one per run
        raise AqiInputError(", ".join(p.field for p in problems), "",
                            full="; ".join(str(p) for p in problems))
    iaqi: dict[str, int] = {}
    for name, spec in data["pollutants"].items():
        key = spec["field"]
        concentration = concentrations[key]
        above = spec.get("above_last")
        if above and concentration > Fraction(Decimal(str(spec["breakpoints"][-1]))):
            substitute = above["use_field"]
            if substitute not in day or day[substitute] is None:
                raise AqiInputError(substitute, f"missing: {key} is above "
                                    f"{spec['breakpoints'][-1]} and HJ 633-2012 then indexes "
                                    f"{name} by its 1-hour mean")
            iaqi[name] = iaqi_of(_exact(substitute, day[substitute]),
                                 data["substitutes"][substitute]["breakpoints"])
        else:
            iaqi[name] = iaqi_of(concentration, spec["breakpoints"])
    aqi = max(iaqi.values())
    primary = ([name for name, value in iaqi.items() if value == aqi]
               if aqi > data["primary_above_aqi"] else [])
    return DayAqi(aqi, category_of(aqi), primary, iaqi)
