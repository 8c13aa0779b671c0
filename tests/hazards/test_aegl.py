"""AEGL data: the 60-min values equal the reference page, levels rise with severity and fall
(or hold) with duration, and nothing unconfirmed is filled in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zoneops.hazards.aegl import DURATIONS, aegl_ppm, listed, mg_per_m3
from zoneops.hazards.gb18218 import is_valid_cas

REFERENCE_60_MIN = {
    ("7782-50-5", 1): "0.50",
    ("7782-50-5", 2): "2.0",
    ("7782-50-5", 3): "20",
    ("7783-06-4", 1): "0.51",
    ("7783-06-4", 2): "27",
    ("7783-06-4", 3): "50",
    ("7647-01-0", 1): "1.8",
}


@pytest.mark.parametrize(("key", "value"), REFERENCE_60_MIN.items())
def test_sixty_minute_values_match_the_reference(key, value) -> None:
    cas, level = key
    assert aegl_ppm(cas, level, "60min") == Decimal(value)


@pytest.mark.parametrize("cas", listed())
def test_levels_are_ordered(cas: str) -> None:
    assert is_valid_cas(cas)
    for duration in DURATIONS:
        values = [aegl_ppm(cas, level, duration) for level in (1, 2, 3)]
        known = [v for v in values if v is not None]
        assert known == sorted(known) and len(set(known)) == len(known)
    for level in (1, 2, 3):
        series = [v for v in (aegl_ppm(cas, level, d) for d in DURATIONS) if v is not None]
        assert series == sorted(series, reverse=True)


def test_unconfirmed_values_stay_empty() -> None:
    assert aegl_ppm("7664-41-7", 2, "60min") is None  # ammonia: not confirmed here
    assert aegl_ppm("7647-01-0", 3, "60min") is None
    assert aegl_ppm("7782-50-5", 3, "10min") == 50


def test_ppm_to_mg_per_m3() -> None:
    # chlorine AEGL-3 60 min: 20 ppm × 70.906 / 24.45 ≈ 58 mg/m³
    assert round(mg_per_m3(Decimal(20), Decimal("70.906")), 1) == Decimal("58.0")
