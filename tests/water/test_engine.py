"""The balance engine on chains from the simulator (physically consistent; field data is
still to come): quiet when all is well, and each anomaly kind with its numbers."""

from __future__ import annotations

from datetime import datetime

import pytest

from zoneops.water.balance import balance, parse_chain, run
from zoneops.water.balance.limits import set_names
from zoneops.water.simulate import Discharge, Gap, simulate


def anomalies(doc: dict) -> list[dict]:
    return run(doc)["anomalies"]


def of(found: list[dict], **match) -> list[dict]:
    return [a for a in found if all(a[k] == v for k, v in match.items())]


@pytest.mark.parametrize(("seed", "step"), [(1, 10), (2, 60), (3, 10)])
def test_a_clean_chain_gives_no_anomalies(seed: int, step: int) -> None:
    assert anomalies(simulate(days=10, seed=seed, step_minutes=step)) == []


def test_a_night_discharge_between_two_monitors_is_found_with_its_hours_and_size() -> None:
    night = 8 * 24 + 1  # day 9, 01:00 local
    doc = simulate(days=10, seed=4, discharges=(Discharge("N2", night, 4, cod_kg_h=27.0),))
    found = anomalies(doc)
    hit = of(found, point="N2", kind="unexplained_load", pollutant="COD")
    assert len(hit) == 1
    hit = hit[0]
    assert hit["start"] == "2026-12-09T01:00:00+08:00"
    assert hit["end"] == "2026-12-09T05:00:00+08:00"
    assert hit["residual_kg_h"] == pytest.approx(27.0, rel=0.1)
    assert "N2 received 2" in hit["why"] and "01:00–05:00" in hit["why"]
    # Nothing upstream moved with it: the unmonitored pipe into N2 is the first suspect.
    assert "likely: between " in hit["why"] and hit["why"].split("likely: ")[1].startswith(
        "between")
    # Only N2 and what its load passed on (the plant inlet's shock) report anything.
    assert {(a["point"], a["kind"]) for a in found} <= {("N2", "unexplained_load"),
                                                        ("P-in", "shock_load"),
                                                        ("P-in", "unexplained_load")}
    assert found[0] == hit


def test_the_plant_inlet_sees_a_big_discharge_as_a_shock() -> None:
    doc = simulate(days=10, seed=4, discharges=(Discharge("N1", 8 * 24 + 1, 4, cod_kg_h=60.0),))
    shock = of(anomalies(doc), point="P-in", kind="shock_load", pollutant="COD")
    assert len(shock) == 1 and shock[0]["score"] >= 4
    # N1 → P-in travel is 30–80 minutes: the shock starts an hour or two after 01:00.
    assert "2026-12-09T02:00" <= shock[0]["start"] <= "2026-12-09T03:00"


def test_a_leak_is_missing_load() -> None:
    doc = simulate(days=10, seed=5, discharges=(Discharge("N1", 8 * 24 + 10, 6, cod_kg_h=-1.0,
                                                          flow_l_s=-0.5),))
    leak = of(anomalies(doc), point="N1", kind="missing_load", pollutant="COD")
    assert len(leak) == 1
    assert leak[0]["start"] == "2026-12-09T10:00:00+08:00"
    assert leak[0]["residual_kg_h"] == pytest.approx(-1.0, rel=0.15)
    assert "less than" in leak[0]["why"]


@pytest.mark.parametrize("flag", ["D", "M", "C", None])
def test_missing_or_flagged_upstream_data_is_data_quality_not_a_false_anomaly(flag) -> None:
    doc = simulate(days=10, seed=6, gaps=(Gap("S1", 8 * 24 + 2, 3, flag=flag),))
    found = anomalies(doc)
    assert of(found, kind="unexplained_load") == of(found, kind="missing_load") == []
    quality = of(found, point="N1", kind="data_quality", pollutant="COD")
    assert len(quality) == 1
    # S1's last gap hour reaches N1 up to one hour later (its travel time).
    assert quality[0]["start"] == "2026-12-09T02:00:00+08:00"
    assert quality[0]["end"] in ("2026-12-09T05:00:00+08:00", "2026-12-09T06:00:00+08:00")
    assert "S1: " + (f"flag {flag}" if flag else "no valid data") in quality[0]["why"]
    assert quality[0]["residual_kg_h"] is None and quality[0]["score"] == 1.0


def test_a_gap_at_the_node_itself_is_data_quality() -> None:
    doc = simulate(days=10, seed=6, gaps=(Gap("N1", 100, 2, flag="C"),))
    found = anomalies(doc)
    # N1 cannot be balanced, nor can the plant inlet it feeds.
    cod = of(found, pollutant="COD")
    assert sorted((a["point"], a["kind"]) for a in cod) == [("N1", "data_quality"),
                                                            ("P-in", "data_quality")]
    assert all("N1: flag C" in a["why"] for a in cod)


def test_an_unmonitored_source_makes_the_balance_impossible_and_says_so() -> None:
    doc = simulate(days=3, seed=7)
    doc["series"] = [r for r in doc["series"] if r["point"] != "S3"]
    found = anomalies(doc)
    assert of(found, kind="unexplained_load") == []
    quality = of(found, point="N1", kind="data_quality", pollutant="COD")
    assert len(quality) == 1 and "S3: no monitor" in quality[0]["why"]


def test_an_unmonitored_junction_is_walked_through_with_its_travel_time() -> None:
    doc = simulate(days=4, seed=8)
    # N1 has no monitor: P-in is balanced against N1's sources, N1's travel time added.
    doc["series"] = [r for r in doc["series"] if r["point"] != "N1"]
    assert anomalies(doc) == []
    for p in doc["points"]:
        if p["id"] == "N1":
            p["travel_minutes"] += 180  # a wrong travel time misplaces the daily cycle
    assert of(anomalies(doc), point="P-in", kind="missing_load")


def test_removal_drop_and_limit_at_the_plant_outlet() -> None:
    doc = simulate(days=10, seed=9)
    for r in doc["series"]:  # the plant fails for a day: outlet COD five times usual
        if r["point"] == "P-out" and r["time"].startswith("2026-12-09"):
            r["cod_mg_l"] *= 5
    found = anomalies(doc)
    drop = of(found, point="P-out", kind="removal_drop", pollutant="COD")
    assert len(drop) == 1 and drop[0]["residual_kg_h"] > 0
    assert "instead of its usual 85%" in drop[0]["why"]
    assert not of(found, kind="limit_exceeded")  # still under 50 mg/L a day: no exceedance
    for r in doc["series"]:
        if r["point"] == "P-out" and r["time"].startswith("2026-12-09"):
            r["cod_mg_l"] = 60.0
    over = of(anomalies(doc), point="P-out", kind="limit_exceeded", pollutant="COD")
    assert len(over) == 1  # GB 18918 一级A is a daily mean: one day-long episode
    assert (over[0]["start"], over[0]["end"]) == ("2026-12-09T00:00:00+08:00",
                                                  "2026-12-10T00:00:00+08:00")
    assert "limit 50 mg/L (GB18918-2002-1A" in over[0]["why"]


def test_limits_at_sources_and_river_sections() -> None:
    doc = simulate(days=2, seed=10)
    for p in doc["points"]:
        if p["id"] == "S2":
            p["limits"] = {"COD": 30.0}  # the park's own 纳管 contract, stricter
    for r in doc["series"]:
        if r["point"] == "R-up" and r["time"].startswith("2026-12-02T0"):
            r["nh3n_mg_l"] = 1.2  # above class III's 1.0
    found = anomalies(doc)
    assert of(found, point="S2", kind="limit_exceeded", pollutant="COD")
    river = of(found, point="R-up", kind="limit_exceeded", pollutant="NH3-N")
    assert len(river) == 1 and "target class III" in river[0]["why"]
    assert (river[0]["start"], river[0]["end"]) == ("2026-12-02T00:00:00+08:00",
                                                    "2026-12-02T10:00:00+08:00")
    assert "GB3838-2002-river-III" in river[0]["why"]


def test_results_are_sorted_by_score_and_carry_candidates() -> None:
    doc = simulate(days=10, seed=11, discharges=(
        Discharge("N1", 8 * 24 + 1, 3, cod_kg_h=40.0), Discharge("N2", 9 * 24 + 2, 2, 8.0)),
        gaps=(Gap("S2", 200, 2),))
    found = anomalies(doc)
    scores = [a["score"] for a in found]
    assert scores == sorted(scores, reverse=True) and len(found) >= 3
    assert found[-1]["kind"] == "data_quality"
    chain = parse_chain(doc, set_names())
    first = balance(chain)[0]
    assert first.candidates and first.candidates[0].kind == "segment"
    assert isinstance(first.start, datetime) and first.start.utcoffset().total_seconds() == 8 * 3600
