"""Peer zones: the sheet read through the import kit (errors by cell, in Chinese, all at
once; a dry run writes nothing; never half a sheet), our rank among the peers by official rate,
and the two-year average growth where the bureau uses it."""

from __future__ import annotations

import io
import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.matrix import INTERNAL, MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.imports import ProblemsError
from zoneops.core.models import AuditEntry
from zoneops.indicators import derived, peers_import, selectors, services
from zoneops.indicators.models import PeerValue

HEADER = ["园区名称", "指标名称", "年份", "月份", "累计值", "同比±%"]
GOOD = [["甲经开区", "规上工业总产值", 2026, 10, 900, 9.1],
        ["乙高新区", "规上工业总产值", 2026, 10, 650.5, "7.0"],
        ["丙园区", "规上工业总产值", 2026, 10, 1200, 10.5],
        ["丙园区", "社会消费品零售总额", 2026, 10, 88, 3.0]]  # not in our catalogue


def sheet(rows, header=HEADER, title="2026年1-10月兄弟园区主要指标对比") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "对标"
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def output(world):
    office = world.users["office"]
    indicator = services.create_indicator(office, {"code": "GYZCZ", "name": "规上工业总产值",
                                                   "unit": "亿元", "owner_unit": world.unit_a})
    services.record_value(office, indicator, year=2026, month=10,
                          data={"level": Decimal("812.5"), "official_rate_pct": Decimal("8.3")})
    return indicator


def test_good_sheet_is_planned_then_written_and_ranks_our_zone(world, output):
    plan = peers_import.parse(sheet(GOOD))
    assert plan.problems == [] and plan.skipped == [(6, "社会消费品零售总额")]
    assert [(p.peer, p.year, p.month, p.rate) for p in plan.values] == [
        ("甲经开区", 2026, 10, Decimal("9.1")), ("乙高新区", 2026, 10, Decimal("7.0")),
        ("丙园区", 2026, 10, Decimal("10.5"))]
    assert PeerValue.objects.count() == 0  # parsing is a dry run
    assert peers_import.commit(world.users["office"], plan) == 3
    assert PeerValue.objects.get(peer="乙高新区").level == Decimal("650.5")
    assert AuditEntry.objects.filter(object_repr__contains="乙高新区").exists()
    rank = selectors.peer_rank(output, 2026)
    # 10.5 (丙) and 9.1 (甲) above our 8.3, 7.0 (乙) below: third of four.
    assert (rank.month, rank.rank, rank.of, rank.rate_pct) == (10, 3, 4, 8.3)
    assert [p for p, _ in rank.peers] == ["丙园区", "甲经开区", "乙高新区"]
    # Importing again corrects, never doubles.
    peers_import.commit(world.users["office"], peers_import.parse(sheet(
        [["乙高新区", "规上工业总产值", 2026, 10, 650.5, 12.0]])))
    assert PeerValue.objects.count() == 3
    assert selectors.peer_rank(output, 2026).rank == 4


def test_period_from_the_title_when_the_sheet_has_no_year_or_month(world, output):
    plan = peers_import.parse(sheet([["甲经开区", "规上工业总产值", 900, 9.1]],
                                    header=["园区名称", "指标名称", "累计值", "同比±%"]))
    assert plan.problems == [] and (plan.values[0].year, plan.values[0].month) == (2026, 10)
    untitled = peers_import.parse(sheet([["甲经开区", "规上工业总产值", 900, 9.1]],
                                        header=["园区名称", "指标名称", "累计值", "同比±%"],
                                        title=None))
    assert [str(p) for p in untitled.problems] == ["对标!1:1：缺少“年份”列。",
                                                   "对标!1:1：缺少“月份”列。"]


def test_bad_cells_are_all_reported_by_cell_in_chinese_and_nothing_is_written(world, output):
    bad = [["甲经开区", "规上工业总产值", 2026, 10, 900, "九点一"],
           ["乙高新区", "规上工业总产值", 2026, 13, 650, 7.0],
           [None, "规上工业总产值", 2026, 10, 1200, 10.5],
           ["丙园区", "规上工业总产值", 2026, 10, 1200, 10.5],
           ["丙园区", "规上工业总产值", 2026, 10, 1201, 10.6]]
    plan = peers_import.parse(sheet(bad))
    messages = [str(p) for p in plan.problems]
    assert messages == [
        "对标!F3（同比±%）：不是数字：“九点一”。",
        "对标!D4（月份）：“13”不是 1 至 12 之间的整数。",
        "对标!A5（园区名称）：“园区名称”为空。",
        "对标!A7（园区名称）：丙园区 规上工业总产值 出现两次（第6行和第7行）。",
    ], messages
    with pytest.raises(ProblemsError):
        peers_import.commit(world.users["office"], plan)
    assert PeerValue.objects.count() == 0


def test_a_row_the_database_refuses_rolls_back_the_whole_sheet(world, output):
    rows = [*GOOD[:2], ["丙园区", "规上工业总产值", 2026, 10, 10 ** 15, 10.5]]
    plan = peers_import.parse(sheet(rows))
    assert plan.problems == []
    with pytest.raises(ValidationError):
        peers_import.commit(world.users["office"], plan)
    assert PeerValue.objects.count() == 0  # the first two rows went with it


def test_only_the_office_imports(world, output):
    from django.core.exceptions import PermissionDenied

    plan = peers_import.parse(sheet(GOOD))
    for who in ("leader", "staff_a"):
        with pytest.raises(PermissionDenied):
            peers_import.commit(world.users[who], plan)
    assert PeerValue.objects.count() == 0


def test_command_dry_run_writes_nothing_then_writes(world, output, tmp_path):
    path = tmp_path / "peers.xlsx"
    path.write_bytes(sheet(GOOD))
    out = io.StringIO()
    call_command("indicators", "import-peers", str(path), "--dry-run", stdout=out)
    assert "甲经开区" in out.getvalue() and "试运行" in out.getvalue()
    assert PeerValue.objects.count() == 0
    call_command("indicators", "import-peers", str(path), stdout=io.StringIO())
    assert PeerValue.objects.count() == 3
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet([["甲经开区", "规上工业总产值", 2026, 10, 900, "x"]]))
    with pytest.raises(CommandError, match="对标!F3"):
        call_command("indicators", "import-peers", str(bad))


PAGES = [Row("/indicators/import/peers/", MANAGERS),
         Row("/indicators/import/peers/", MANAGERS, method="POST", data={}, ok=200)]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_import_page_matrix(world, row):
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)


def test_import_page_checks_then_imports(world, output):
    client = world.client("office")
    upload = SimpleUploadedFile("peers.xlsx", sheet(GOOD))
    page = client.post("/indicators/import/peers/", {"file": upload, "check": "1"})
    assert page.status_code == 200 and "甲经开区" in page.content.decode()
    assert PeerValue.objects.count() == 0
    bad = SimpleUploadedFile("bad.xlsx", sheet([["甲经开区", "规上工业总产值", 2026, 13, 9, 1]]))
    page = client.post("/indicators/import/peers/", {"file": bad, "commit": "1"}).content.decode()
    assert 'data-testid="problems"' in page and "对标!D3" in page
    assert PeerValue.objects.count() == 0
    upload = SimpleUploadedFile("peers.xlsx", sheet(GOOD))
    done = client.post("/indicators/import/peers/", {"file": upload, "commit": "1"})
    assert done.status_code == 302 and PeerValue.objects.count() == 3


def test_detail_page_shows_the_rank_and_the_two_year_average(world, output):
    office = world.users["office"]
    peers_import.commit(office, peers_import.parse(sheet(GOOD)))
    services.update_indicator(office, output, {"uses_two_year_average": True})
    services.record_value(office, output, year=2025, month=10,
                          data={"level": Decimal("700"), "official_rate_pct": Decimal("5")})
    services.record_value(office, output, year=2024, month=10, data={"level": Decimal("625")})
    for who in INTERNAL:
        page = world.client(who).get(f"/indicators/{output.pk}/?year=2026").content.decode()
        assert "对标园区排名（1–10月，官方增速 8.3%）：第 3 名 / 共 4 个" in page
        assert 'data-testid="two-year"' in page
    # √(1.05 × 1.083) − 1 = 6.64 %; √(812.5 / 625) − 1 = 14.02 %
    assert "按官方增速 6.64%" in page and "按绝对值 14.02%" in page
    screen = world.client("leader").get("/indicators/screen/?year=2026").content.decode()
    assert "对标排名 3/4" in screen


def test_two_year_average_only_where_the_bureau_uses_it(world, output):
    office = world.users["office"]
    services.record_value(office, output, year=2024, month=10, data={"level": Decimal("625")})
    assert selectors.two_year_average(output, 2026) is None  # the flag is off
    services.update_indicator(office, output, {"uses_two_year_average": True})
    found = selectors.two_year_average(output, 2026)
    assert found.from_rates is None  # no official rate for 2025-10
    assert found.from_levels == pytest.approx(14.02, abs=0.005)


def test_two_year_average_from_levels_is_the_geometric_mean_of_the_two_rates():
    # 100 → 105 → 126: +5 % then +20 %; √(1.05 × 1.20) − 1 = 12.25 %
    assert derived.two_year_average_from_levels(126, 100) == pytest.approx(
        derived.two_year_average_growth(5, 20))
    assert derived.two_year_average_from_levels(126, 100) == pytest.approx(
        (math.sqrt(1.26) - 1) * 100)
    assert derived.two_year_average_from_levels(81, 100) == pytest.approx(-10.0)
    with pytest.raises(ValueError):
        derived.two_year_average_from_levels(10, 0)
