"""AEGL levels of concern from ``data/aegl.json`` (pure): the thresholds a threat zone is drawn
at. Values are ppm; ``mg_per_m3`` converts at 25 °C and 1 atm."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "aegl.json"
DURATIONS = ("10min", "30min", "60min", "4h", "8h")
MOLAR_VOLUME_25C = Decimal("24.45")  # L/mol at 25 °C and 1 atm


@cache
def _table() -> dict[str, dict]:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    assert tuple(doc["durations"]) == DURATIONS
    return {row["cas"]: row for row in doc["chemicals"]}


def aegl_ppm(cas: str, level: int, duration: str) -> Decimal | None:
    """The AEGL-``level`` (1–3) of a chemical for an exposure ``duration`` in ppm, or None when
    it is not listed (not confirmed yet, or no AEGL exists)."""
    row = _table().get(cas)
    if row is None:
        return None
    value = row[f"aegl{level}"][DURATIONS.index(duration)]
    return None if value is None else Decimal(value)


def mg_per_m3(ppm: Decimal, molar_mass: Decimal) -> Decimal:
    return ppm * molar_mass / MOLAR_VOLUME_25C


def listed() -> list[str]:
    """CAS numbers that have AEGL values here."""
    return list(_table())
