"""`zoneops hazards import FILE.xlsx`: every problem by sheet!cell, a dry run that writes
nothing and previews each unit's grade, and a real run that writes all or nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from zoneops.hazards import selectors
from zoneops.hazards.models import Assessment, Chemical, Equipment, HazardUnit, Holding

HEADER = [
    "企业",
    "单元编号",
    "单元名称",
    "单元类型",
    "500米内人数",
    "设备位号",
    "设备类型",
    "化学品",
    "CAS",
    "危险性类别",
    "设计最大量(吨)",
]


def workbook(tmp_path: Path, rows: list[list], header: list[str] = HEADER) -> str:
    book = Workbook()
    sheet = book.active
    sheet.title = "重大危险源"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "registry.xlsx"
    book.save(path)
    return str(path)


def good_rows(enterprise: str) -> list[list]:
    return [
        [
            enterprise,
            "T1",
            "一号罐区",
            "储存单元",
            120,
            "V-101",
            "储罐",
            "液氯",
            "7782-50-5",
            "",
            12,
        ],
        [
            enterprise,
            "T1",
            "一号罐区",
            "储存单元",
            120,
            "V-102",
            "储罐",
            "液氯",
            "7782-50-5",
            "",
            8,
        ],
        [
            enterprise,
            "T1",
            "一号罐区",
            "储存单元",
            120,
            "V-103",
            "储罐",
            "液氨",
            "7664-41-7",
            "",
            30,
        ],
        [enterprise, "P1", "苯回收", "生产单元", 10, "E-201", "容器", "苯", "71-43-2", "W5.3", 5],
    ]


def run(*args: str) -> str:
    out = StringIO()
    call_command("hazards", "import", *args, stdout=out)
    return out.getvalue()


def test_dry_run_previews_and_writes_nothing(world, tmp_path) -> None:
    path = workbook(tmp_path, good_rows(world.enterprise_a.name))
    out = run(path)
    assert "T1: S = 7, R = 44, grade 3" in out
    assert "P1: S = 0.1, R = 0.1, not a major hazard" in out
    assert "nothing written" in out or "未写入" in out
    assert not HazardUnit.objects.exists() and not Chemical.objects.exists()


def test_commit_writes_everything_and_assesses_once_per_unit(world, tmp_path) -> None:
    path = workbook(tmp_path, good_rows(world.enterprise_a.credit_code))
    run(path, "--commit")
    unit = HazardUnit.objects.get(code="T1")
    assert Equipment.objects.filter(unit=unit).count() == 3
    assert Holding.objects.filter(equipment__unit=unit).count() == 3
    assert Chemical.objects.get(name="苯").categories == ["W5.3"]
    history = list(selectors.history_of(unit))
    assert len(history) == 1 and (history[0].s, history[0].r, history[0].grade) == (7, 44, 3)
    assert history[0].reason == "imported from a spreadsheet"
    # The same sheet again changes nothing and adds no history.
    run(path, "--commit")
    assert Assessment.objects.filter(unit=unit).count() == 1


def test_every_problem_is_named_by_cell_and_nothing_is_written(world, tmp_path) -> None:
    rows = good_rows(world.enterprise_a.name)
    rows[0][10] = -5  # K2 design maximum
    rows[1][8] = "7782-50-6"  # I3 CAS check digit
    rows[2][0] = "无此企业"  # A4 enterprise
    rows[3][9] = "W12"  # J5 category
    rows.append(
        [
            world.enterprise_a.name,
            "T1",
            "一号罐区",
            "仓库",
            120,
            "V-104",
            "桶",
            "液氯",
            "7782-50-5",
            "",
            1,
        ]
    )  # D6 kind, G6 equipment kind
    path = workbook(tmp_path, rows)
    with pytest.raises(CommandError) as caught:
        run(path, "--commit")
    message = str(caught.value)
    for cell in (
        "重大危险源!K2",
        "重大危险源!I3",
        "重大危险源!A4",
        "重大危险源!J5",
        "重大危险源!D6",
        "重大危险源!G6",
    ):
        assert cell in message, cell
    assert "(设计最大量(吨))" in message
    assert not HazardUnit.objects.exists() and not Chemical.objects.exists()


def test_conflicting_rows_are_reported(world, tmp_path) -> None:
    rows = good_rows(world.enterprise_a.name)
    rows[1][2] = "二号罐区"  # same unit code, other name
    rows.append(list(rows[0]))  # the same chemical in the same tank twice
    with pytest.raises(CommandError) as caught:
        run(workbook(tmp_path, rows))
    assert "重大危险源!C3" in str(caught.value) and "重大危险源!H6" in str(caught.value)


def test_missing_columns(world, tmp_path) -> None:
    with pytest.raises(CommandError) as caught:
        run(workbook(tmp_path, [], header=["企业", "单元编号"]))
    assert "design_max_t" in str(caught.value)


def test_enterprise_contact_imports_own_only_and_needs_known_chemicals(world, tmp_path) -> None:
    mine = workbook(tmp_path, good_rows(world.enterprise_a.name))
    with pytest.raises(CommandError) as caught:  # chemicals not in the catalogue yet
        run(mine, "--commit", "--as", "ent_a")
    assert "液氯" in str(caught.value)
    run(mine, "--commit")  # the administrator adds them
    run(mine, "--commit", "--as", "ent_a")  # now the contact may update their own
    theirs = workbook(tmp_path, good_rows(world.enterprise_b.name))
    with pytest.raises(CommandError):
        run(theirs, "--commit", "--as", "ent_a")
    assert not HazardUnit.objects.filter(enterprise=world.enterprise_b).exists()


def test_unreadable_file(world, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 a broken zip, not a workbook")
    with pytest.raises(CommandError) as caught:
        run(str(bad))
    assert "zip" in str(caught.value)  # the kit says the file cannot be read as a workbook
    # Text that is not a table is read as CSV and reported as a sheet without the columns.
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(CommandError, match="missing column"):
        run(str(text))
