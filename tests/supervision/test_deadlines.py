"""The pure deadline parser: every phrase real lists use, prose cells, and properties."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneops.supervision.deadlines import (
    DeadlineError,
    chinese_number,
    parse_deadline,
    parse_nodes,
)

CN = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


@pytest.mark.parametrize(("text", "expected"), [
    ("3月底前", date(2026, 3, 31)),
    ("2月底", date(2026, 2, 28)),
    ("6月30日前", date(2026, 6, 30)),
    ("6月30号之前", date(2026, 6, 30)),
    ("上半年", date(2026, 6, 30)),
    ("年中", date(2026, 6, 30)),
    ("下半年", date(2026, 12, 31)),
    ("三季度末", date(2026, 9, 30)),
    ("第一季度", date(2026, 3, 31)),
    ("2季度末前", date(2026, 6, 30)),
    ("年底前", date(2026, 12, 31)),
    ("年内", date(2026, 12, 31)),
    ("全年", date(2026, 12, 31)),
    ("年末", date(2026, 12, 31)),
    ("十月上旬", date(2026, 10, 10)),
    ("9月中旬", date(2026, 9, 20)),
    ("11月下旬", date(2026, 11, 30)),
    ("１２月底前", date(2026, 12, 31)),
    ("2027年6月底前", date(2027, 6, 30)),
    ("2027年底", date(2027, 12, 31)),
    ("次年3月底", date(2027, 3, 31)),
    ("二〇二七年6月底前", date(2027, 6, 30)),
    ("2026-05-31", date(2026, 5, 31)),
    ("2026/5/8", date(2026, 5, 8)),
    ("力争9月底前", date(2026, 9, 30)),
])
def test_phrases(text, expected):
    deadline = parse_deadline(text, 2026)
    assert deadline.date == expected and not deadline.ongoing


@pytest.mark.parametrize("text", ["长期", "长期坚持", "持续推进", "常态化开展"])
def test_ongoing_has_no_date(text):
    deadline = parse_deadline(text, 2026)
    assert deadline.ongoing and deadline.date is None


@pytest.mark.parametrize("text", ["", "  ", "尽快", "2月30日前", "13月底", "2026-02-30",
                                  "视情况而定"])
def test_unreadable_deadlines_are_errors(text):
    with pytest.raises(DeadlineError):
        parse_deadline(text, 2026)


def test_leap_year_february():
    assert parse_deadline("2月底", 2028).date == date(2028, 2, 29)


def test_prose_cell_becomes_dated_nodes():
    nodes = parse_nodes("3月底前完成立项；6月底前开工；12月底前主体结顶", 2026)
    assert [(n.planned_date, n.deliverable, n.text) for n in nodes] == [
        (date(2026, 3, 31), "完成立项", "3月底前"),
        (date(2026, 6, 30), "开工", "6月底前"),
        (date(2026, 12, 31), "主体结顶", "12月底前")]


def test_numbered_lines_deadline_after_the_deliverable_and_ongoing_parts():
    cell = ("1. 一季度末完成方案编制\n2. 完成招标（6月30日前）\n"
            "（3）三季度末完成主体施工。长期做好运维")
    nodes = parse_nodes(cell, 2026)
    assert [(n.planned_date, n.deliverable) for n in nodes] == [
        (date(2026, 3, 31), "完成方案编制"), (date(2026, 6, 30), "完成招标"),
        (date(2026, 9, 30), "完成主体施工")]


def test_a_segment_without_a_date_is_named():
    with pytest.raises(DeadlineError, match="加快推进"):
        parse_nodes("3月底前完成立项；加快推进", 2026)


def test_empty_cell_has_no_nodes():
    assert parse_nodes("", 2026) == [] and parse_nodes(" ；；", 2026) == []


@given(st.integers(1, 31))
def test_chinese_numbers(n):
    tens, ones = divmod(n, 10)
    text = (("" if tens == 1 else CN[tens]) + "十" if tens else "") + (CN[ones] if ones else "")
    assert chinese_number(text) == n
    assert chinese_number(str(n)) == n


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.sampled_from(["前", "", "之前"]))
def test_month_day_round_trip(day, suffix):
    assert parse_deadline(f"{day.month}月{day.day}日{suffix}", day.year).date == day
    assert parse_deadline(f"{day.year}年{day.month}月{day.day}日", 1999).date == day


@given(st.integers(2000, 2099), st.integers(1, 12), st.booleans())
def test_month_end_in_arabic_and_chinese(year, month, chinese):
    written = CN[month] if chinese else str(month)
    last = calendar.monthrange(year, month)[1]
    assert parse_deadline(f"{written}月底前", year).date == date(year, month, last)


@given(st.lists(st.tuples(st.dates(date(2026, 1, 1), date(2026, 12, 31)),
                          st.sampled_from(["完成立项", "开工建设", "主体结顶", "竣工验收",
                                           "投入运营"])), min_size=1, max_size=8),
       st.sampled_from(["；", ";", "。", "\n"]))
def test_any_joined_cell_parses_back(pairs, separator):
    cell = separator.join(f"{d.month}月{d.day}日前{what}" for d, what in pairs)
    nodes = parse_nodes(cell, 2026)
    assert [(n.planned_date, n.deliverable) for n in nodes] == pairs


@given(st.text(max_size=40))
def test_never_crashes_on_arbitrary_text(text):
    try:
        parse_nodes(text, 2026)
        parse_deadline(text, 2026)
    except DeadlineError:
        pass
