"""Derived monthly figures: single months, 时序进度, two-year average, rate gaps, ranks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zoneops.indicators import derived


def test_single_months_with_jan_feb_together():
    months = derived.single_months({2: "150.5", 3: "240.0", 4: "330.2", 6: "500.0"})
    assert [(m.month, m.label, m.value) for m in months] == [
        (2, "1–2月", Decimal("150.5")), (3, "3月", Decimal("89.5")),
        (4, "4月", Decimal("90.2")), (6, "6月", None)]  # May missing: June cannot be split
    assert not any(m.falls for m in months)


def test_single_months_with_january_alone_and_a_fall():
    months = derived.single_months({1: 70, 2: 150, 3: 140})
    assert [(m.label, m.value, m.falls) for m in months] == [
        ("1月", Decimal("70"), False), ("2月", Decimal("80"), False),
        ("3月", Decimal("-10"), True)]
    with pytest.raises(ValueError):
        derived.single_months({13: 1})


def test_schedule_progress():
    half = derived.schedule_progress(52, 100, 6)  # 时间过半、任务过半
    assert (half.done_pct, half.time_pct, half.gap_pp, half.on_track) == (52.0, 50.0, 2.0, True)
    behind = derived.schedule_progress(Decimal("600"), Decimal("1000"), 9)
    assert (behind.done_pct, behind.time_pct, behind.gap_pp, behind.on_track) == (
        60.0, 75.0, -15.0, False)
    with pytest.raises(ValueError):
        derived.schedule_progress(1, 0, 3)
    with pytest.raises(ValueError):
        derived.schedule_progress(1, 10, 0)


def test_target_missed_only_once_the_year_is_over():
    assert not derived.target_missed(90, 100, 11)
    assert derived.target_missed(99.9, 100, 12)
    assert not derived.target_missed(100, 100, 12)


def test_two_year_average_growth():
    # 2020 +2.3 %, 2021 +8.1 %: √(1.023 × 1.081) = √1.105863 → 5.160 %
    assert derived.two_year_average_growth(2.3, 8.1) == pytest.approx(5.160, abs=0.001)
    assert derived.two_year_average_growth(-10, 10) == pytest.approx(-0.501, abs=0.001)


def test_official_rate_is_compared_never_replaced():
    gap = derived.rate_gap(11.2, Decimal("14.56"), Decimal("13.40"), threshold_pp=2)
    assert gap.official_pct == 11.2
    assert gap.from_levels_pct == pytest.approx(8.66, abs=0.01)
    assert gap.flagged  # 2.54 pp apart
    assert not derived.rate_gap(9.0, 14.56, 13.40, threshold_pp=2).flagged
    with pytest.raises(ValueError):
        derived.level_rate(1, 0)


def test_rank_among_peers():
    peers = {"港区": 11.2, "甲区": 12.0, "乙区": 11.2, "丙区": None, "丁区": 5}
    assert derived.rank_among(peers, "甲区") == 1
    assert derived.rank_among(peers, "港区") == 2 and derived.rank_among(peers, "乙区") == 2
    assert derived.rank_among(peers, "丁区") == 4
    assert derived.rank_among(peers, "丙区") is None
    assert derived.rank_among(peers, "丁区", higher_is_better=False) == 1
