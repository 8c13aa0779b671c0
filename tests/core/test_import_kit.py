"""The one import kit: every format, the layouts offices use, limits checked before parsing."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from zoneops.core.imports import Limits, Problem, ReadError, TableSpec, read_table, read_workbook
from zoneops.core.imports.cells import cell_text, one_line

SPEC = TableSpec({"code": ("序号",), "title": ("任务名称",),
                  "lead_unit": ("牵头单位", "责任单位"), "co_units": ("配合单位",),
                  "deadline": ("完成时限",)}, required=("title", "lead_unit"))


def _xlsx(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def two_level_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "重点工作"
    ws.append(["2026年度重点工作清单"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "任务名称", "责任单位", None, "完成时限", "内部备注"])
    ws.append([None, None, "牵头单位", "配合单位", None, None])
    for rng in ("C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3"):
        ws.merge_cells(rng)
    ws.append(["一、经济发展（2项）"] * 6)
    ws.merge_cells("A4:F4")
    ws.append(["１", "推进产业园\n二期建设", "经发局", "财政局", "6月底前", "不导入"])
    ws.append([" ", "  ", None, " ", "\u3000", None])
    ws.append(["2", "引进项目", "经发局", "", datetime(2026, 9, 30), None])
    ws.append(["合计", "2项", None, None, None, None])
    ws.column_dimensions["F"].hidden = True
    return _xlsx(wb)


def test_two_level_header_sections_totals_blank_and_hidden_columns():
    grid = read_workbook(two_level_workbook()).sheets[0]
    table = read_table(SPEC, grid)
    assert table.title == "2026年度重点工作清单"
    assert {k: v[1] for k, v in table.columns.items()} == {
        "code": "序号", "title": "任务名称", "lead_unit": "牵头单位", "co_units": "配合单位",
        "deadline": "完成时限"}
    assert [(r.row, r.section, r.text("code"), r.text("co_units"), r.text("deadline"))
            for r in table.rows] == [(5, "经济发展", "1", "财政局", "6月底前"),
                                     (7, "经济发展", "2", "", "2026-09-30")]
    assert one_line(table.rows[0].text("title")) == "推进产业园二期建设"
    assert table.rows[1].value("deadline") == datetime(2026, 9, 30)


def test_a_missing_column_names_the_wording_and_the_sheet():
    wb = Workbook()
    wb.active.append(["序号", "任务名称", "完成时限"])
    table = read_table(TableSpec(SPEC.columns, required=("title", "lead_unit"),
                                 anchors=("title",)), read_workbook(_xlsx(wb)).sheets[0])
    assert [str(p) for p in table.problems] == ["Sheet!1:1：缺少“牵头单位/责任单位”列。"]


def test_cell_text_normalises_once():
    assert cell_text(3.0) == "3" and cell_text("  ") == "" and cell_text("\u3000") == ""
    assert cell_text("１２") == "12" and cell_text("a \r\n b\r\n") == "a\nb"
    assert cell_text(datetime(2026, 6, 30)) == "2026-06-30"
    assert one_line("Road\nworks") == "Road works"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_chinese_encoding(encoding):
    text = "序号,任务名称,牵头单位\n1,滨湖路改造,建设局\n2,“澄心办”品牌,经发局\n"
    grid = read_workbook(text.encode(encoding), name="清单.csv").sheets[0]
    assert grid.name == "清单"
    assert [r.text("title") for r in read_table(SPEC, grid).rows] == ["滨湖路改造",
                                                                      "“澄心办”品牌"]


def test_old_excel_xls_with_merged_and_hidden_columns():
    import xlwt
    book = xlwt.Workbook()
    sheet = book.add_sheet("改革事项")
    sheet.write_merge(0, 0, 0, 2, "责任清单")
    for c, text in enumerate(["序号", "任务名称", "牵头单位", "秘密"]):
        sheet.write(1, c, text)
    sheet.write(2, 0, 1)
    sheet.write(2, 1, "改革一")
    sheet.write(2, 2, "经发局")
    sheet.write(2, 3, "x")
    style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(3, 0, 2)
    sheet.write(3, 1, "改革二")
    sheet.write(3, 2, "建设局")
    sheet.write(3, 3, datetime(2026, 3, 31), style)
    sheet.col(3).hidden = True
    out = io.BytesIO()
    book.save(out)
    workbook = read_workbook(out.getvalue())
    assert workbook.format == "xls"
    grid = workbook.sheets[0]
    assert grid.rows[0] == ["责任清单"] * 3 + [None] and 3 in grid.hidden_columns
    assert grid.rows[3][3] == datetime(2026, 3, 31)
    rows = read_table(SPEC, grid).rows
    assert [(r.text("code"), r.text("title"), r.text("lead_unit")) for r in rows] == [
        ("1", "改革一", "经发局"), ("2", "改革二", "建设局")]


def test_a_table_inside_a_word_document():
    from docx import Document
    document = Document()
    document.add_paragraph("关于印发2026年度攻坚项目清单的通知")
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate([["序号", "任务名称", "牵头单位"], ["1", "攻坚一", "经发局"],
                                ["2", "攻坚二", "建设局"]]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    workbook = read_workbook(out.getvalue())
    assert workbook.format == "docx" and workbook.sheets[0].name == "表1"
    assert [r.text("title") for r in read_table(SPEC, workbook.sheets[0]).rows] == [
        "攻坚一", "攻坚二"]


def test_one_cell_at_xfd1048576_is_refused_within_a_second():
    wb = Workbook()
    wb.active["XFD1048576"] = 1
    data = _xlsx(wb)
    assert len(data) < 10_000
    started = time.perf_counter()
    with pytest.raises(ReadError) as exc:
        read_workbook(data)
    assert time.perf_counter() - started < 1
    assert exc.value.code == "too_many_rows" and "1048576" in str(exc.value)


def test_a_zip_bomb_is_refused_within_a_second():
    wb = Workbook()
    wb.active["A1"] = "x"
    good = zipfile.ZipFile(io.BytesIO(_xlsx(wb)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, good.read(info.filename))
                continue
            with bomb.open(info.filename, "w") as member:
                member.write(good.read(info.filename).replace(b"</worksheet>", b""))
                for _ in range(64):  # 64 MiB of blanks: ~65 KB packed
                    member.write(b" " * (1 << 20))
                member.write(b"</worksheet>")
    data = out.getvalue()
    assert len(data) < 200_000
    started = time.perf_counter()
    with pytest.raises(ReadError) as exc:
        read_workbook(data)
    assert time.perf_counter() - started < 1
    assert exc.value.code == "zip_bomb"
    with pytest.raises(ReadError) as exc:  # the total, whatever the ratio
        read_workbook(data, limits=Limits(max_unzipped_bytes=1024 * 1024, max_ratio=10**9))
    assert exc.value.code == "unzipped_too_large"


def test_rows_past_the_limit_are_stopped_while_streaming():
    text = "序号,任务名称,牵头单位\n" + "1,a,b\n" * 50
    with pytest.raises(ReadError) as exc:
        read_workbook(text.encode(), limits=Limits(max_rows=20))
    assert exc.value.code == "too_many_rows"
    wb = Workbook()
    for n in range(30):
        wb.active.append([n])
    with pytest.raises(ReadError):
        read_workbook(_xlsx(wb), limits=Limits(max_rows=20))


def test_not_a_spreadsheet():
    with pytest.raises(ReadError) as exc:
        read_workbook(b"\x00\x01binary junk")
    assert exc.value.code == "unknown_format"
    with pytest.raises(ReadError) as exc:
        read_workbook(b"PK\x03\x04 broken zip")
    assert exc.value.code == "unreadable"


def test_a_problem_says_where_and_what_in_the_users_language(settings):
    from django.utils import translation
    problem = Problem("重点工作", 7, "A", "序号", "No column for %(column)s.", {"column": "序号"})
    with translation.override("en"):
        assert str(problem) == "重点工作!A7 (序号): No column for 序号."
    with translation.override("zh-hans"):
        assert str(problem) == "重点工作!A7（序号）：缺少“序号”列。"
