"""The monthly economic bulletin: its content from real rows, the docx and xlsx it renders to,
the page, the API and the command (who may use them, and what bad input gets)."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.indicators import bulletin, services

PERIOD = "?year=2026&month=3"


@pytest.fixture
def published(world):
    """Three indicators as a bureau publishes them, with the gaps real data has: one complete
    (its official rate far from the rate from levels), one with only a rate in March and a
    growth target, one with nothing for March; and a retired one the bulletin leaves out."""
    office = world.users["office"]
    output = services.create_indicator(office, {
        "code": "GYZCZ", "name": "规上工业总产值", "unit": "亿元", "owner_unit": world.unit_a,
        "sort_order": 1})
    services.set_target(office, output, year=2026, data={"value": Decimal("1200"),
                                                         "growth_pct": Decimal("9.5")})
    services.record_value(office, output, year=2025, month=3, data={"level": Decimal("220.0")})
    services.record_value(office, output, year=2026, month=2, data={
        "level": Decimal("150.5"), "official_rate_pct": Decimal("12.0")})
    services.record_value(office, output, year=2026, month=3, data={
        "level": Decimal("240.0"), "official_rate_pct": Decimal("13.5")})
    services.record_value(office, output, year=2026, month=4, data={
        "level": Decimal("330.0"), "official_rate_pct": Decimal("11.0")})  # after the bulletin
    added = services.create_indicator(office, {
        "code": "GYZJZ", "name": "规上工业增加值", "unit": "亿元", "basis": "real",
        "owner_unit": world.unit_a, "sort_order": 2})
    services.set_target(office, added, year=2026, data={"growth_pct": Decimal("8.0")})
    services.record_value(office, added, year=2026, month=2, data={
        "level": Decimal("30.2"), "official_rate_pct": Decimal("8.1")})
    services.record_value(office, added, year=2026, month=3, data={
        "official_rate_pct": Decimal("-0.75")})
    tax = services.create_indicator(office, {
        "code": "SS", "name": "税收收入", "unit": "亿元", "owner_unit": world.unit_b,
        "sort_order": 3})
    services.record_value(office, tax, year=2026, month=2, data={"level": Decimal("3.0")})
    retired = services.create_indicator(office, {
        "code": "OLD", "name": "已停用指标", "unit": "亿元", "owner_unit": world.unit_b,
        "is_active": False})
    services.record_value(office, retired, year=2026, month=3, data={"level": Decimal("1")})
    return world


def build(world, month: int = 3) -> bulletin.Bulletin:
    return bulletin.build(world.users["office"], 2026, month)


def test_content_from_the_published_rows(published):
    data = build(published)
    assert data.title == "测试开发区2026年1—3月主要经济指标运行情况"
    assert [r.code for r in data.rows] == ["GYZCZ", "GYZJZ", "SS"]
    output, added, tax = data.rows
    # As published: the level and the bureau's own rate, March alone = 240.0 − 150.5
    assert output.cumulative == Decimal("240.0") and output.rate_pct == Decimal("13.5")
    assert output.this_month == Decimal("89.5")
    # 时序进度: 240 / 1200 = 20.0 % of the target against 3/12 = 25.0 % of the year
    assert (output.progress.done_pct, output.progress.time_pct) == (20.0, 25.0)
    assert output.progress.gap_pp == -5.0 and not output.progress.on_track
    # 13.5 % published against 240/220 − 1 = 9.1 % from the levels: flagged, not replaced
    assert len(output.flags) == 1 and "13.5%" in output.flags[0] and "9.1%" in output.flags[0]
    assert output.notes == []
    assert data.paragraphs[0] == (
        "规上工业总产值：1—3月累计完成240.00亿元，同比增长13.5%；完成年度目标1200.00亿元的20.0%，"
        "时间进度25.0%，落后时序进度5.0个百分点；年度增长目标9.5%。提示：" + output.flags[0] + "。")
    # Only a rate for March: the level is missing, so are 本月 and 时序进度
    assert added.cumulative is None and added.this_month is None and added.progress is None
    assert added.rate_pct == Decimal("-0.75") and added.real_basis
    assert "1—3月总量未发布" in added.notes and "未设年度目标总量，时序进度无法计算" in added.notes
    assert data.paragraphs[1] == "规上工业增加值：1—3月数据暂缺，同比下降0.75%；年度增长目标8.0%。"
    assert tax.notes == ["1—3月数据未录入", "未设年度目标总量，时序进度无法计算"]
    assert data.paragraphs[2] == "税收收入：1—3月数据暂缺。"
    assert bulletin.text_rows(data) == [
        ["规上工业总产值", "亿元", "89.50", "240.00", "13.5", "1200.00", "20.0", "25.0", "-5.0"],
        ["规上工业增加值", "亿元", "—", "—", "-0.75", "—", "—", "—", "—"],
        ["税收收入", "亿元", "—", "—", "—", "—", "—", "—", "—"]]
    notes = "".join(bulletin.note_lines(data))
    assert "规上工业增加值按可比价格计算" in notes and "税收收入：1—3月数据未录入" in notes


def test_february_alone_is_the_first_two_months(published):
    data = build(published, month=2)
    assert data.title.endswith("2026年1—2月主要经济指标运行情况")
    output = data.rows[0]
    assert output.this_month == output.cumulative == Decimal("150.5")  # 1–2月 come together
    assert output.progress.time_pct == pytest.approx(16.7)


@pytest.mark.parametrize("year, month, message", [
    ("1999", "3", "年份：“1999”不是2000至2100之间的年份。"),
    ("二〇二六", "3", "年份：“二〇二六”不是2000至2100之间的年份。"),
    ("2026", "13", "月份：“13”不是1至12之间的月份。"),
    ("2026", "", "月份：“”不是1至12之间的月份。"),
])
def test_bad_period_is_refused_in_chinese(year, month, message):
    with pytest.raises(bulletin.BulletinInputError) as caught:
        bulletin.check_period(year, month)
    assert str(caught.value) == message


def test_docx_is_laid_out_as_an_official_document(published):
    doc = Document(BytesIO(bulletin.to_docx(build(published))))
    section = doc.sections[0]
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    title = doc.paragraphs[0]
    assert title.text == "测试开发区2026年1—3月主要经济指标运行情况"
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith("规上工业总产值："))
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells][:4] == ["指标名称", "单位", "本月", "1—3月累计"]
    assert [c.text for c in table.rows[1].cells][2:5] == ["89.50", "240.00", "13.5"]
    assert len(table.rows) == 4
    assert any("“—”说明" in p.text for p in doc.paragraphs)


def test_xlsx_has_a_merged_header_and_numbers(published):
    ws = load_workbook(BytesIO(bulletin.to_xlsx(build(published)))).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:I1", "A2:A3", "D2:E2", "G2:I2"} <= merged
    assert ws["A1"].value == "测试开发区2026年1—3月主要经济指标运行情况"
    assert ws["D2"].value == "1—3月累计" and ws["G2"].value == "时序进度"
    assert [ws.cell(4, c).value for c in range(1, 10)] == [
        "规上工业总产值", "亿元", 89.5, 240.0, 13.5, 1200.0, 20.0, 25.0, -5.0]
    assert ws["D4"].number_format == "#,##0.00" and ws["E4"].number_format == "0.0"
    assert ws["C5"].value == "—" and ws["E5"].value == -0.75
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["A"].width > ws.column_dimensions["B"].width
    notes = [ws.cell(r, 1).value for r in range(7, ws.max_row + 1)]
    assert any("“—”说明" in (n or "") for n in notes)
    assert any((n or "").startswith("提示：规上工业总产值") for n in notes)


PAGES = [
    Row(f"/indicators/bulletin/{PERIOD}", INTERNAL),
    Row(f"/indicators/bulletin.docx{PERIOD}", INTERNAL),
    Row(f"/indicators/bulletin.xlsx{PERIOD}", INTERNAL),
    Row("/indicators/bulletin/?year=2026&month=0", INTERNAL, ok=400),
    Row(f"/indicators/bulletin.pdf{PERIOD}", INTERNAL, ok=404),
]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_page_matrix(published, row):
    Matrix(WORLD_ROLES, published.client, anonymous=302).check(row)


def test_page_previews_the_bulletin(published):
    client = published.client("leader")
    page = client.get(f"/indicators/bulletin/{PERIOD}").content.decode()
    assert "测试开发区2026年1—3月主要经济指标运行情况" in page
    assert 'data-code="GYZCZ" data-flagged="1"' in page
    assert 'data-code="SS" data-flagged="0"' in page
    assert "已停用指标" not in page
    assert f'href="/indicators/bulletin.docx{PERIOD.replace("&", "&amp;")}"' in page
    response = client.get("/indicators/bulletin/?year=2026&month=13")
    assert response.status_code == 400
    assert response.content.decode() == "月份：“13”不是1至12之间的月份。"
    download = client.get(f"/indicators/bulletin.xlsx{PERIOD}")
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert load_workbook(BytesIO(download.content)).active["D4"].value == 240.0


API = [
    Row("/api/indicators/?year=2026", INTERNAL),
    Row("/api/indicators/GYZCZ/values?year=2026", INTERNAL),
    # A retired or unknown indicator is not there for anyone; outsiders are refused first.
    Row("/api/indicators/OLD/values?year=2026", set(), {"enterprise_a": 403}),
    Row("/api/indicators/?year=1999", INTERNAL, ok=422),
]


@pytest.mark.parametrize("row", API, ids=ids(API))
def test_api_matrix(published, row):
    Matrix(WORLD_ROLES, published.client, anonymous=401, as_json=True).check(row)


def test_api_catalogue_and_values(published):
    client = published.client("staff_b")
    catalogue = json.loads(client.get("/api/indicators/?year=2026").content)
    assert [i["code"] for i in catalogue] == ["GYZCZ", "GYZJZ", "SS"]
    output = catalogue[0]
    assert output["period"] == "1–4月" and output["month"] == 4
    assert float(output["level"]) == 330.0 and float(output["official_rate_pct"]) == 11.0
    assert float(output["target"]) == 1200.0 and output["progress"]["done_pct"] == 27.5
    assert catalogue[2]["progress"] is None and catalogue[2]["official_rate_pct"] is None
    values = json.loads(client.get("/api/indicators/GYZCZ/values?year=2026").content)
    assert [v["month"] for v in values["values"]] == [2, 3, 4]
    march = values["values"][1]
    assert float(march["official_rate_pct"]) == 13.5 and float(march["single_month"]) == 89.5
    assert values["values"][0]["single_month_label"] == "1–2月"
    error = json.loads(client.get("/api/indicators/?year=1999").content)
    assert error["errors"]["year"] == ["年份：“1999”不是2000至2100之间的年份。"]


def test_command_writes_the_files(published, tmp_path):
    for kind in ("docx", "xlsx"):
        out = tmp_path / f"bulletin.{kind}"
        call_command("indicators", "bulletin", "--year", "2026", "--month", "3",
                     "--out", str(out), "--as", "office")
        assert out.is_file()
    assert Document(str(tmp_path / "bulletin.docx")).paragraphs[0].text.startswith("测试开发区")
    assert load_workbook(tmp_path / "bulletin.xlsx").active["E4"].value == 13.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulletin.docx", "bulletin.xlsx"]


@pytest.mark.parametrize("args, message", [
    (["--year", "2026", "--month", "13"], "月份：“13”不是1至12之间的月份。"),
    (["--year", "26", "--month", "3"], "年份：“26”不是2000至2100之间的年份。"),
    (["--year", "2026", "--month", "3", "--as", "nobody"], "nobody"),
])
def test_command_refuses_bad_input_and_writes_nothing(published, tmp_path, args, message):
    out = tmp_path / "bulletin.docx"
    with pytest.raises(CommandError) as caught:
        call_command("indicators", "bulletin", *args, "--out", str(out))
    assert message in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_command_wants_a_docx_or_xlsx(published, tmp_path):
    with pytest.raises(CommandError, match="须以 .docx 或 .xlsx 结尾"):
        call_command("indicators", "bulletin", "--year", "2026", "--month", "3",
                     "--out", str(tmp_path / "bulletin.pdf"))


def test_point_and_quarterly_indicators(world):
    office = world.users["office"]
    loans = services.create_indicator(office, {
        "code": "DK", "name": "贷款余额", "unit": "亿元", "accumulation": "point",
        "owner_unit": world.unit_a, "sort_order": 1})
    services.record_value(office, loans, year=2026, month=3, data={
        "level": Decimal("512.3"), "official_rate_pct": Decimal("6.2")})
    gdp = services.create_indicator(office, {
        "code": "GDP", "name": "地区生产总值", "unit": "亿元", "basis": "real",
        "frequency": "quarterly", "owner_unit": world.unit_a, "sort_order": 2})
    services.set_target(office, gdp, year=2026, data={"value": Decimal("400")})
    services.record_value(office, gdp, year=2026, month=3, data={
        "level": Decimal("95.0"), "official_rate_pct": Decimal("5.1")})
    april = build(world, month=4)
    point, quarterly = april.rows
    assert point.this_month is None and "4月数据未录入" in point.notes
    assert quarterly.cumulative is None and "季度指标，本月不发布" in quarterly.notes
    march = build(world, month=3)
    point, quarterly = march.rows
    assert point.this_month == Decimal("512.3") and point.cumulative is None
    assert point.progress is None and "期末值指标，不计累计值" in point.notes
    assert march.paragraphs[0] == "贷款余额：3月末512.30亿元，同比增长6.2%。"
    assert quarterly.cumulative == Decimal("95.0") and quarterly.progress.done_pct == 23.8
    assert bulletin.text_rows(march)[0][2:5] == ["512.30", "—", "6.2"]
