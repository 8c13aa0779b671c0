"""Importing the resident roll from a real Excel file: row-by-row errors, all or nothing,
dry run, and the `zoneops voting import-roll` command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from zoneops.voting.models import Community, RollEntry
from zoneops.voting.roll_import import RollFileError, parse

from .conftest import id_number


def workbook(path, rows, header=("姓名", "身份证号", "住址", "社区", "街道")):
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


GOOD = [("孙七", id_number(21), "新村1幢", "新村社区", "澄北街道"),
        ("周八", id_number(22), "新村1幢", "新村社区", ""),
        ("吴九", id_number(23).lower(), "北苑9幢", "北苑社区", "")]


def test_import_creates_communities_and_hashes(vw, tmp_path):
    path = workbook(tmp_path / "roll.xlsx", GOOD)
    out = _run(path, vw.campaign.pk)
    assert "3 residents in 2 households, 1 new communities" in out
    assert Community.objects.get(name="新村社区").unit == vw.subdistrict
    assert RollEntry.objects.filter(campaign=vw.campaign).count() == 6 + 3


def _run(path, campaign, *extra) -> str:
    from io import StringIO

    out = StringIO()
    call_command("voting", "import-roll", str(path), "--campaign", str(campaign), *extra,
                 stdout=out)
    return out.getvalue()


def test_dry_run_writes_nothing(vw, tmp_path):
    path = workbook(tmp_path / "roll.xlsx", GOOD)
    assert "nothing was written (dry run)" in _run(path, vw.campaign.pk, "--dry-run")
    assert RollEntry.objects.count() == 6 and not Community.objects.filter(name="新村社区")


def test_every_bad_row_is_named_and_nothing_is_written(vw, tmp_path):
    bad = id_number(31)[:-1] + ("0" if id_number(31)[-1] != "0" else "1")
    rows = GOOD + [("", id_number(32), "A", "北苑社区", ""),
                   ("错号", bad, "A", "北苑社区", ""),
                   ("重复", id_number(21), "A", "北苑社区", ""),
                   ("已在", id_number(1), "A", "北苑社区", ""),
                   ("无街道", id_number(33), "A", "无名社区", ""),
                   ("错街道", id_number(34), "A", "北苑社区", "不存在街道"),
                   ("短号", 3304991980, "A", "北苑社区", "")]
    path = workbook(tmp_path / "roll.xlsx", rows)
    with pytest.raises(RollFileError) as exc:
        parse(path)
    problems = exc.value.problems
    assert "名册!A5 (姓名): 姓名 is empty." in problems
    assert "名册!B6 (身份证号): the check character does not match (mistyped?)" in problems
    assert "名册!E10 (街道): No sub-district called “不存在街道”." in problems
    assert "名册!B11 (身份证号): must be 18 characters" in problems
    with pytest.raises(CommandError) as cmd:
        _run(path, vw.campaign.pk)
    assert "nothing was written" in str(cmd.value) and "名册!B6" in str(cmd.value)
    # Rows that parse but clash with the roll are refused by the service, all of them named.
    path = workbook(tmp_path / "roll2.xlsx", [r for r in rows if r[0] in
                                              {"孙七", "重复", "已在", "无街道"}])
    with pytest.raises(CommandError) as cmd:
        _run(path, vw.campaign.pk)
    message = str(cmd.value)
    assert "row 3: the same ID number as row 2" in message
    assert "row 4: this ID number is already on the roll" in message
    assert "row 5: community “无名社区” is new; give its sub-district" in message
    assert RollEntry.objects.count() == 6


def test_missing_columns_and_not_a_workbook(vw, tmp_path):
    path = workbook(tmp_path / "roll.xlsx", GOOD, header=("姓名", "身份证号", "社区"))
    with pytest.raises(RollFileError) as exc:
        parse(path)
    assert exc.value.problems == ["名册!1:1: No column for 住址/户号/地址."]
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00not a workbook")
    with pytest.raises(CommandError) as cmd:
        _run(junk, vw.campaign.pk)
    assert "Not a spreadsheet" in str(cmd.value)
    with pytest.raises(CommandError):
        _run(path, 99999)


def test_only_managers_import(vw, tmp_path):
    path = workbook(tmp_path / "roll.xlsx", GOOD)
    with pytest.raises(CommandError) as cmd:
        _run(path, vw.campaign.pk, "--as", "leader")
    assert "may not import" in str(cmd.value)
