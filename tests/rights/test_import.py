"""`zoneops rights import FILE.xlsx`: a dry run first, --commit writes every row through the
ledger (cap checked) or none; every problem named as 工作表!单元格 in Chinese."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Certificate, Movement

HEADER = ["统一社会信用代码", "企业名称", "污染物", "数量（吨/年）", "起始日期", "法律依据"]


def workbook(tmp_path: Path, rows: list[list], header: list[str] = HEADER) -> str:
    book = Workbook()
    sheet = book.active
    sheet.title = "初始排污权"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "holdings.xlsx"
    book.save(path)
    return str(path)


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("rights", "import", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def capped(world):
    services.set_cap(actor=world.users["office"], pollutant="COD", quantity="30",
                     basis="测试总量")
    services.set_cap(actor=world.users["office"], pollutant="NH3-N", quantity="3",
                     basis="测试总量")
    return world


def good(world) -> list[list]:
    a, b = world.enterprise_a, world.enterprise_b
    return [[a.credit_code, a.name, "COD", 12.5, dt.datetime(2026, 1, 1), "排污许可证 甲"],
            [a.credit_code, "", "氨氮", "1.2", "2026-01-01", "排污许可证 甲"],
            ["", b.name, "化学需氧量", 7, "2026/03/01", "排污许可证 乙"]]


def test_dry_run_previews_and_writes_nothing(capped, tmp_path):
    out = run(workbook(tmp_path, good(capped)))
    assert "初始排污权!2: 甲化工有限公司 · COD 12.5 t/a · 2026-01-01 — 2030-12-31" in out
    assert "初始排污权!4: 乙建材有限公司 · COD 7 t/a · 2026-03-01 — 2031-02-28" in out
    assert "未写入" in out
    assert not Movement.objects.exists() and not Certificate.objects.exists()
    assert not Account.objects.filter(enterprise__isnull=False).exists()


def test_commit_writes_every_row_through_the_ledger(capped, tmp_path):
    out = run(workbook(tmp_path, good(capped)), "--commit", "--as", "office")
    assert "3" in out.splitlines()[-1]
    assert Movement.objects.filter(kind="verification").count() == 3
    a_cod = Account.objects.get(enterprise=capped.enterprise_a, pollutant="COD")
    assert selectors.balance(a_cod, dt.date(2026, 6, 1)) == Decimal("12.5")
    b_cod = Account.objects.get(enterprise=capped.enterprise_b, pollutant="COD")
    assert selectors.balance(b_cod, dt.date(2026, 2, 28)) == 0
    assert selectors.balance(b_cod, dt.date(2026, 3, 1)) == Decimal(7)
    assert Certificate.objects.count() == 3  # each holding gets its certificate
    assert Movement.objects.get(target=a_cod).legal_basis == "排污许可证 甲"


def test_every_bad_cell_is_named_and_nothing_is_written(capped, tmp_path):
    a = capped.enterprise_a
    rows = [[a.credit_code, "乙建材有限公司", "COD", 1, "2026-01-01", "许可证"],
            ["91330499MA9999999X", "", "COD", 1, "2026-01-01", "许可证"],
            [a.credit_code, "", "PM2.5", "-1", "2026-13-01", ""],
            [a.credit_code, "", "NH3-N", "1", "2026-01-01", "许可证"],
            [a.credit_code, "", "氨氮", "1", "2026-01-01", "许可证"],
            *good(capped)[:1]]
    with pytest.raises(CommandError) as caught:
        run(workbook(tmp_path, rows), "--commit")
    lines = str(caught.value).splitlines()
    expected = ["初始排污权!B2（企业名称）", "初始排污权!A3（统一社会信用代码）",
                "初始排污权!C4（污染物）", "初始排污权!D4（数量（吨/年））",
                "初始排污权!E4（起始日期）", "初始排污权!F4（法律依据）", "初始排污权!C6（污染物）"]
    assert [line.rsplit("：", 1)[0] for line in lines] == expected, lines
    assert "甲化工有限公司" in lines[0] and "第 5 行" in lines[-1]
    for line in lines:  # what is wrong is said in Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line.rsplit("：", 1)[1]), line
    assert not Movement.objects.exists()


def test_a_refusal_of_the_ledger_rolls_back_the_rows_before_it(capped, tmp_path):
    rows = good(capped) + [[capped.enterprise_b.credit_code, "", "NH3-N", "2.5",
                            "2026-01-01", "许可证"]]  # 1.2 + 2.5 > 3 t/a
    with pytest.raises(CommandError) as caught:
        run(workbook(tmp_path, rows), "--commit")
    message = str(caught.value)
    assert message.startswith("初始排污权!D5（数量（吨/年））：") and "总量" in message
    assert not Movement.objects.exists() and not Certificate.objects.exists()


def test_only_the_office_imports(capped, tmp_path):
    with pytest.raises(CommandError):
        run(workbook(tmp_path, good(capped)), "--commit", "--as", "ent_a")
    assert not Movement.objects.exists()


def test_a_file_that_is_not_the_table(capped, tmp_path):
    with pytest.raises(CommandError, match="污染物"):
        run(workbook(tmp_path, [["x", "y"]], header=["甲", "乙"]))
    with pytest.raises(CommandError, match="cannot read|无法读取"):
        run(str(tmp_path / "missing.xlsx"))
