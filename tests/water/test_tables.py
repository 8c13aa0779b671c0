"""The pages' figures from the engine's rules: daily loads are sums of hourly loads, gaps
stay gaps, the balance per day, GB 3838 classes of river sections."""

from __future__ import annotations

import pytest

from zoneops.water.balance import parse_chain
from zoneops.water.balance.limits import set_names
from zoneops.water.balance.tables import daily_rows, grade, meets, river_classes, tables
from zoneops.water.simulate import Discharge, Gap, simulate


def chain(points, series):
    return parse_chain({"points": points, "series": series}, set_names())


def test_a_days_load_is_the_sum_of_its_hours_never_mean_times_mean() -> None:
    # 12 hours at 10 L/s × 100 mg/L, 12 hours at 30 L/s × 20 mg/L.
    series = [{"point": "S1", "time": f"2026-12-01T{h:02d}:00:00+08:00",
               "flow_l_s": 10.0 if h < 12 else 30.0, "cod_mg_l": 100.0 if h < 12 else 20.0,
               "nh3n_mg_l": 1.0, "flag": "N"} for h in range(24)]
    t = tables(chain([{"id": "S1", "kind": "source"}], series))
    cod = daily_rows(t, "S1")[0]["pollutants"]["COD"]
    # Σ Q·C·3.6/1000 per hour: 12 × 3.6 + 12 × 2.16 = 69.12 kg (mean × mean: 20 × 60 ×
    # 0.0036 × 24 = 103.68 kg).
    assert cod["load_kg"] == pytest.approx(69.12)
    assert cod["coverage"] == 1.0


def test_flagged_hours_are_gaps_and_a_thin_day_has_no_load() -> None:
    series = [{"point": "S1", "time": f"2026-12-01T{h:02d}:00:00+08:00", "flow_l_s": 10.0,
               "cod_mg_l": 50.0, "nh3n_mg_l": 1.0, "flag": "D" if h < 4 else "N"}
              for h in range(24)]
    series += [{"point": "S1", "time": f"2026-12-02T{h:02d}:00:00+08:00", "flow_l_s": 10.0,
                "cod_mg_l": 50.0, "nh3n_mg_l": 1.0, "flag": "N"} for h in range(10)]
    t = tables(chain([{"id": "S1", "kind": "source"}], series))
    first, second = (d["pollutants"]["COD"] for d in daily_rows(t, "S1"))
    # 20 of 24 hours: scaled from what was measured (1.8 kg/h), never a zero for the gap.
    assert first["coverage"] == pytest.approx(20 / 24, abs=1e-3)
    assert first["measured_kg"] == pytest.approx(36.0)
    assert first["load_kg"] == pytest.approx(43.2)
    assert second["load_kg"] is None and second["measured_kg"] == pytest.approx(18.0)


def test_the_daily_balance_finds_the_day_of_a_discharge() -> None:
    doc = simulate(sources=3, networks=1, days=3, seed=4, step_minutes=60,
                   discharges=(Discharge("N1", 24 + 2, 3, cod_kg_h=15.0),),
                   gaps=(Gap("S2", 50, 20, flag="C"),))
    t = tables(parse_chain(doc, set_names()))
    days = [d["pollutants"]["COD"] for d in daily_rows(t, "N1")]
    assert [d["within"] for d in days] == [True, False, None]  # day 3: S2 calibrating
    assert days[1]["residual_kg"] == pytest.approx(45.0, rel=0.15)
    assert days[2]["expected_kg"] is None
    # A source has no upstream, the plant outlet is judged by its removal: no balance.
    assert daily_rows(t, "S1")[0]["pollutants"]["COD"]["within"] is None
    assert daily_rows(t, "P-out")[0]["pollutants"]["COD"]["expected_kg"] is None


@pytest.mark.parametrize(("values", "body", "cls", "items"), [
    ({"COD": 12.0, "NH3-N": 0.4, "TP": 0.05}, "river", "II", {"COD": "I", "NH3-N": "II",
                                                              "TP": "II"}),
    ({"COD": 20.0, "NH3-N": 1.0, "TP": 0.2, "TN": 9.0}, "river", "III",
     {"COD": "III", "NH3-N": "III", "TP": "III"}),  # TN: lakes and reservoirs only
    ({"COD": 41.0, "NH3-N": 0.1}, "river", "劣V", {"COD": "劣V", "NH3-N": "I"}),
    ({"COD": 14.0, "TP": 0.05, "TN": 1.2}, "lake", "IV", {"COD": "I", "TP": "III",
                                                          "TN": "IV"}),
])
def test_gb3838_class_is_the_worst_items(values, body, cls, items) -> None:
    assert grade(values, body) == (cls, items)


def test_meets_the_target() -> None:
    assert meets("II", "III") is True
    assert meets("IV", "III") is False
    assert meets("劣V", "V") is False
    assert meets(None, "III") is None and meets("II", "") is None


def test_river_sections_daily_and_monthly_class() -> None:
    series = []
    for d in (1, 2, 3):
        for h in range(24):
            series.append({"point": "R1", "time": f"2026-12-{d:02d}T{h:02d}:00:00+08:00",
                           "flow_l_s": None, "cod_mg_l": 25.0 if d == 2 else 14.0,
                           "nh3n_mg_l": 0.4, "tp_mg_l": 0.08, "flag": "N"})
    t = tables(chain([{"id": "R1", "kind": "river", "target_class": "III"}], series))
    result = river_classes(t, "R1")
    assert [(d["class"], d["meets"]) for d in result["daily"]] == [
        ("II", True), ("IV", False), ("II", True)]
    month = result["monthly"][0]
    assert month["month"] == "2026-12" and month["means"]["COD"] == pytest.approx(17.6667,
                                                                                    abs=1e-3)
    assert (month["class"], month["meets"], month["days"]) == ("III", True, 3)


def test_today_is_balanced_over_its_hours_so_far() -> None:
    doc = simulate(sources=3, networks=1, days=2.5, seed=4, step_minutes=60,
                   discharges=(Discharge("N1", 48 + 1, 4, cod_kg_h=15.0),))
    t = tables(parse_chain(doc, set_names()))
    today = daily_rows(t, "N1")[2]
    assert today["hours"] == 12
    cod = today["pollutants"]["COD"]
    assert cod["within"] is False and cod["residual_kg"] == pytest.approx(60.0, rel=0.15)
    assert cod["load_kg"] is None  # 12 of 24 hours: no day's load yet
