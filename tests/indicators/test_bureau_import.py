"""The bureau's monthly sheet: merged two-row header, the period in the title, rows matched
to the catalogue by name, consistency flags, errors by cell, all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.matrix import MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.indicators import bureau_import, services
from zoneops.indicators.models import Value

TITLE = "2026年1-10月澄湾开发区主要经济指标"


def sheet(rows, title=TITLE) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "主要指标"
    ws.append([title])
    ws.merge_cells("A1:E1")
    ws.append(["指标名称", "计量单位", "本月", "1-10月", None])
    ws.append([None, None, None, "累计", "同比±%"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    ws.merge_cells("D2:E2")
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [["规上工业总产值", "亿元", 80.2, 812.5, 8.3],
        ["固定资产投资", "亿元", "—", 300, "-2.1"],
        ["社会消费品零售总额", "亿元", 20, 190, 5.0]]  # not in the zone's catalogue


@pytest.fixture
def catalogue(world):
    office = world.users["office"]
    output = services.create_indicator(office, {"code": "GYZCZ", "name": "规上工业总产值",
                                              "unit": "亿元", "owner_unit": world.unit_a})
    invest = services.create_indicator(office, {"code": "GDZC", "name": "固定资产投资（亿元）",
                                              "unit": "亿元", "owner_unit": world.unit_b})
    services.record_value(office, output, year=2026, month=9, data={"level": Decimal("732.3")})
    services.record_value(office, output, year=2025, month=10, data={"level": Decimal("700")})
    services.record_value(office, invest, year=2026, month=9, data={"level": Decimal("310")})
    return output, invest


def test_reads_the_bureau_layout_and_flags_what_does_not_add_up(catalogue):
    output, invest = catalogue
    plan = bureau_import.parse(sheet(GOOD))
    assert plan.problems == [] and (plan.year, plan.month) == (2026, 10)
    by_code = {p.indicator.code: p for p in plan.values}
    assert (by_code["GYZCZ"].level, by_code["GYZCZ"].rate) == (Decimal("812.5"),
                                                               Decimal("8.3"))
    assert (by_code["GDZC"].level, by_code["GDZC"].rate) == (Decimal("300"), Decimal("-2.1"))
    assert plan.skipped == [(6, "社会消费品零售总额")]
    # 812.5 / 700 is +16.1 %, the bureau says 8.3 %: flagged, never overwritten.
    assert any("8.3" in f and "16.07" in f for f in by_code["GYZCZ"].flags)
    # The cumulative investment fell below September's 310.
    assert any("310" in f for f in by_code["GDZC"].flags)


def test_commit_writes_as_published_and_audits(world, catalogue):
    output, _invest = catalogue
    plan = bureau_import.parse(sheet(GOOD))
    assert bureau_import.commit(world.users["office"], plan, source="10月.xlsx") == 2
    value = Value.objects.get(indicator=output, year=2026, month=10)
    assert (value.level, value.official_rate_pct) == (Decimal("812.5"), Decimal("8.3"))
    assert AuditEntry.objects.filter(object_id=str(value.pk)).exists()


def test_errors_by_cell_and_nothing_written(world, catalogue):
    bad = [["规上工业总产值", "万元", 80.2, 812.5, 8.3],       # another unit
           ["固定资产投资", "亿元", "—", "三百", "-2.1"]]         # not a number
    plan = bureau_import.parse(sheet(bad))
    texts = [str(p) for p in plan.problems]
    assert any(t.startswith("主要指标!B4") and "万元" in t for t in texts), texts
    assert any(t.startswith("主要指标!D5") and "三百" in t for t in texts), texts
    with pytest.raises(ValueError):
        bureau_import.commit(world.users["office"], plan, source="x.xlsx")
    assert not Value.objects.filter(year=2026, month=10).exists()


def test_period_must_be_known(catalogue):
    plan = bureau_import.parse(sheet(GOOD, title="澄湾开发区主要经济指标"))
    assert plan.problems and "--year" in str(plan.problems[0])
    plan = bureau_import.parse(sheet(GOOD, title="澄湾开发区主要经济指标"), year=2026, month=10)
    assert plan.problems == [] and len(plan.values) == 2


def test_only_those_who_record_may_import(world, catalogue):
    plan = bureau_import.parse(sheet(GOOD))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # unit A's staff do not own investment (unit B)
        bureau_import.commit(world.users["staff_a"], plan, source="x.xlsx")
    assert not Value.objects.filter(year=2026, month=10).exists()  # all or nothing


def test_command_dry_run_then_commit(world, catalogue, tmp_path):
    path = tmp_path / "统计局10月.xlsx"
    path.write_bytes(sheet(GOOD))
    out = io.StringIO()
    call_command("indicators", "import", str(path), "--as", "office", stdout=out)
    assert "812.5" in out.getvalue() and "社会消费品零售总额" in out.getvalue()
    assert not Value.objects.filter(year=2026, month=10).exists()
    call_command("indicators", "import", str(path), "--as", "office", "--commit", stdout=out)
    assert Value.objects.filter(year=2026, month=10).count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet([["规上工业总产值", "亿元", 1, "x", 1]]))
    with pytest.raises(CommandError, match="D4"):
        call_command("indicators", "import", str(bad), "--as", "office")


# --- the page ---------------------------------------------------------------------------------

PAGES = [Row("/indicators/import/", MANAGERS, others=403),
         Row("/indicators/import/", MANAGERS, method="POST", data={}, ok=200)]  # form errors


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_import_page_matrix(world, catalogue, row):
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)


def test_the_office_checks_then_imports_from_the_page(world, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("office")
    upload = lambda: SimpleUploadedFile("10月.xlsx", sheet(GOOD))  # noqa: E731
    page = client.post("/indicators/import/", {"file": upload(), "check": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and "812.5" in body and "社会消费品零售总额" in body
    assert not Value.objects.filter(year=2026, month=10).exists()
    done = client.post("/indicators/import/", {"file": upload(), "commit": "1"})
    assert done.status_code == 302 and done["Location"].endswith("?year=2026")
    assert Value.objects.filter(year=2026, month=10).count() == 2
    bad = client.post("/indicators/import/", {
        "file": SimpleUploadedFile("bad.xlsx", sheet([["规上工业总产值", "亿元", 1, "x", 1]])),
        "commit": "1"})
    assert bad.status_code == 200 and "主要指标!D4" in bad.content.decode()
