"""The three lists in a real browser: import a spreadsheet with mistakes, see each named, fix it
and import; unit staff report; the office returns with a reason; staff resubmit; the office
accepts, the light changes and the leader sees it; the monthly report downloads and reads back.

Selectors use data-testid / data attributes (new UI strings are not translated yet); Chinese is
checked only on data."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import BytesIO

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

HEADER = ["序号", "重点工作", "牵头单位", "配合单位", "完成时限", "时间节点"]
GOOD = [
    ["BC-01", "推进数字经济产业园招商", "招商局", "经发局", "年底前",
     "6月底前完成园区规划；10月底前签约项目5个；12月底前入驻企业20家"],
    ["BC-02", "建设化工园区应急物资储备点", "应急局", "园区办", "三季度末",
     "上半年完成选址；三季度末建成投用"],
]
# Row 4: unknown unit; row 5: unreadable deadline; row 6: a node cell without a date.
BAD = [
    GOOD[0],
    ["BC-02", "建设化工园区应急物资储备点", "应急物资局", "园区办", "三季度末", "上半年完成选址"],
    ["BC-03", "开展园区道路平整", "规建局", "", "尽快", ""],
    ["BC-04", "完善园区导视系统", "规建局", "", "年底前", "3月底前完成设计；抓紧推进"],
]


def _workbook(rows: list[list], path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "增补事项"
    ws.append(["2026年度攻坚克难增补清单"])
    ws.merge_cells("A1:F1")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)


def _as(browser, site, username: str, viewport=(1366, 860)):
    context = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, username, DEMO_PASSWORD)
    return page


def _item_pk(site, code: str) -> int:
    out = site.python("from zoneops.supervision.models import Item; print(Item.objects.get("
                      f"code='{code}', supervision_list__name='重点任务').pk)")
    return int(out.strip().splitlines()[-1])


def _db(site, expression: str):
    out = site.python("import json; from zoneops.supervision.models import *;"
                      f"print(json.dumps({expression}))")
    return json.loads(out.strip().splitlines()[-1])


def test_import_with_errors_then_fixed(browser, site, tmp_path):
    year = date.today().year
    office = _as(browser, site, "office")
    office.goto("/supervision/import/")
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    _workbook(BAD, bad)
    _workbook(GOOD, good)
    office.set_input_files("#id_file", str(bad))
    office.fill("#id_list_name", "攻坚克难增补")
    office.fill("#id_year", str(year))
    with office.expect_navigation():
        office.click("[data-testid=check]")
    problems = office.locator("[data-testid=problems] tbody tr")
    found = {(row.get_attribute("data-row"), row.get_attribute("data-column"))
             for row in problems.all()}
    assert found == {("4", "C"), ("5", "E"), ("6", "F")}
    text = office.locator("[data-testid=problems]").inner_text()
    assert "应急物资局" in text and "尽快" in text and "抓紧推进" in text
    screenshot(office, "supervision-import-errors")
    assert _db(site, "SupervisionList.objects.filter(name='攻坚克难增补').count()") == 0
    office.set_input_files("#id_file", str(good))
    with office.expect_navigation():
        office.click("[data-testid=check]")
    assert office.locator("[data-testid=plan-ok]").count() == 1
    office.set_input_files("#id_file", str(good))
    with office.expect_navigation():
        office.click("[data-testid=commit]")
    assert office.locator("[data-testid=items] tr[data-item]").count() == 2
    assert office.locator("tr[data-item=BC-02]").inner_text().count("应急") >= 1
    screenshot(office, "supervision-list")
    nodes = _db(site, "list(Node.objects.filter(item__code='BC-01', item__supervision_list__name"
                      "='攻坚克难增补').values_list('deliverable', flat=True))")
    assert nodes == ["完成园区规划", "签约项目5个", "入驻企业20家"]


def test_report_return_resubmit_and_the_leader_sees_the_light(browser, site):
    pk = _item_pk(site, "ZD-01")
    leader = _as(browser, site, "leader")
    leader.goto("/supervision/dashboard/")
    leader.wait_for_selector("#chart-list[data-drawn='1']")
    assert leader.locator("[data-testid=flagged] tr[data-item=ZD-01]").get_attribute(
        "data-light") == "red"
    red_before = int(leader.locator("[data-light-count=red]").inner_text())

    staff = _as(browser, site, "unit")
    staff.goto(f"/supervision/items/{pk}/")
    assert staff.locator("[data-testid=light]").get_attribute("data-light") == "red"
    screenshot(staff, "supervision-item-red")
    staff.click("[data-testid=report-link]")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    today = date.today().isoformat()
    for row in staff.locator("[data-testid=report-form] tr[data-seq]").all():
        if row.get_attribute("data-planned") < today:
            row.locator("input[type=date]").fill(yesterday)
            row.locator("input[name^=evidence_]").fill("管委会立项批复")
    staff.fill("#id_progress", "25")
    staff.fill("#id_summary", "立项审批已完成")
    # Evidence files go with the report (issue 19), under their Chinese names.
    staff.set_input_files("[data-testid=report-files]", files=[
        {"name": "立项批复.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 demo"}])
    screenshot(staff, "supervision-report")
    with staff.expect_navigation():
        staff.click("[data-testid=submit-report]")
    assert staff.locator("[data-testid=reports] tr[data-status=submitted]").count() == 1

    office = _as(browser, site, "office")
    office.goto("/supervision/review/")
    row = office.locator("[data-testid=review] tr[data-item=ZD-01]")
    assert row.locator("[data-testid=review-files] a").inner_text() == "立项批复.pdf"
    with office.expect_download() as info:
        row.locator("[data-testid=review-files] a").click()
    assert info.value.suggested_filename == "立项批复.pdf"
    row.locator("[data-testid=return-reason-input]").fill("请补充立项批复文号")
    screenshot(office, "supervision-review")
    with office.expect_navigation():
        row.locator("[data-testid=return]").click()
    assert office.locator("[data-testid=review] tr[data-item=ZD-01]").count() == 0

    staff.goto(f"/supervision/items/{pk}/report/")
    assert "请补充立项批复文号" in staff.locator("[data-testid=returned]").inner_text()
    # Prefilled from the returned report: nothing to retype but the correction.
    assert staff.input_value("#id_summary") == "立项审批已完成"
    assert staff.input_value("#id_progress") == "25"
    staff.fill("#id_summary", "立项审批已完成（澄管发〔2026〕8号）")
    with staff.expect_navigation():
        staff.click("[data-testid=submit-report]")
    assert staff.locator("[data-testid=reports] tr[data-status=submitted]").count() == 1

    office.goto("/supervision/review/")
    with office.expect_navigation():
        office.locator("[data-testid=review] tr[data-item=ZD-01] [data-testid=accept]").click()
    assert office.locator("[data-testid=review] tr[data-item=ZD-01]").count() == 0
    office.goto(f"/supervision/items/{pk}/")
    light = office.locator("[data-testid=light]")
    assert light.get_attribute("data-light") == "yellow"
    assert light.get_attribute("data-rule") == "late_catch_up"
    screenshot(office, "supervision-item")

    leader.goto("/supervision/dashboard/")
    leader.wait_for_selector("#chart-list[data-drawn='1']")
    assert leader.locator("[data-testid=flagged] tr[data-item=ZD-01]").get_attribute(
        "data-light") == "yellow"
    assert int(leader.locator("[data-light-count=red]").inner_text()) == red_before - 1
    screenshot(leader, "supervision-dashboard")
    big = _as(browser, site, "leader", viewport=(1920, 1080))
    big.goto("/supervision/dashboard/screen/")
    big.wait_for_selector("#chart-domain[data-drawn='1']")
    width = big.evaluate("document.documentElement.scrollWidth")
    assert width <= 1920
    # One screen: nothing below the fold, and the whole ranking on it (issue 19).
    height = big.evaluate("Math.max(document.documentElement.scrollHeight, "
                          "document.body.scrollHeight)")
    assert height <= 1080, height
    ranking = big.locator("[data-testid=ranking]")
    box = ranking.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, box
    rows = ranking.locator("tbody tr")
    last = rows.nth(rows.count() - 1).bounding_box()
    assert rows.count() >= 10 and last["y"] + last["height"] <= 1080, (rows.count(), last)
    screenshot(big, "supervision-screen")


def test_monthly_report_downloads_with_the_right_counts(browser, site):
    month = date.today().strftime("%Y-%m")
    leader = _as(browser, site, "leader")
    leader.goto(f"/supervision/monthly/?month={month}")
    screenshot(leader, "supervision-monthly")
    with leader.expect_download() as info:
        leader.click("[data-testid=monthly-xlsx]")
    wb = load_workbook(BytesIO(open(info.value.path(), "rb").read()))
    with leader.expect_download() as info:
        leader.click("[data-testid=monthly-docx]")
    doc = Document(info.value.path())
    year = date.today().year
    expected = _db(site, f"{{b: Item.objects.filter(supervision_list__year={year}, bucket=b)"
                         ".exclude(status='cancelled').count() for b in "
                         "['done', 'ahead', 'on_schedule', 'behind']}")
    total = sum(expected.values())
    rows = list(wb["按清单"].iter_rows(values_only=True))
    header, totals = rows[0], rows[-1]
    assert totals[0] == "合计" and totals[1] == total
    assert [totals[header.index(label)] for label in ("已完成", "超进度", "达进度", "欠进度")] == [
        expected["done"], expected["ahead"], expected["on_schedule"], expected["behind"]]
    lists = {row[0]: row[1] for row in rows[1:-1]}
    assert lists["重点任务"] == 34 and lists["改革突破"] == 28 and lists["攻坚克难"] == 24
    red = _db(site, f"Item.objects.filter(light='red', supervision_list__year={year}).count()")
    flagged = [r[0] for r in wb["红黄灯事项"].iter_rows(min_row=2, values_only=True)]
    assert flagged.count("红灯") == red
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"共{total}项" in text and f"红灯{red}项" in text


def _three_sheets(path, unit: str = "规建局") -> None:
    """Key tasks and tough projects named by their sheets, and a sheet that does not say."""
    wb = Workbook()
    key = wb.active
    key.title = "重点任务"
    key.append(HEADER)
    key.append(["ZD-91", "推进园区标准厂房建设", "招商局", "", "年底前", "9月底前完成主体"])
    tough = wb.create_sheet("攻坚项目")
    tough.append(HEADER)
    tough.append(["GJ-31", "园区污水管网改造", "应急局", "", "年底前", "10月底前完成改造"])
    other = wb.create_sheet("增补")
    other.append(HEADER)
    other.append(["ZB-1", "园区导视牌更新", unit, "", "年底前", "11月底前完成安装"])
    wb.save(path)


def test_workbook_of_several_sheets_imported_from_the_page(browser, site, tmp_path):
    year = date.today().year
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    _three_sheets(bad, unit="不存在的局")
    _three_sheets(good)
    office = _as(browser, site, "office")
    office.goto("/supervision/import/")
    office.set_input_files("#id_file", str(bad))
    office.fill("#id_year", str(year))
    with office.expect_navigation():
        office.click("[data-testid=check]")
    sheets = office.locator("[data-testid=sheet]")
    assert [s.get_attribute("data-sheet") for s in sheets.all()] == ["重点任务", "攻坚项目",
                                                                     "增补"]
    asked = office.locator("[data-sheet=增补]")
    assert "无法判断工作表 增补 属于哪张清单" in asked.locator("[data-testid=ask]").inner_text()
    assert office.locator("[data-sheet=重点任务] [data-testid=list-for]").input_value() == \
        "重点任务"
    # Named, the sheet is checked too: its unknown unit is shown at its cell, in Chinese.
    asked.locator("[data-testid=list-for]").fill("增补事项")
    office.set_input_files("#id_file", str(bad))
    with office.expect_navigation():
        office.click("[data-testid=check]")
    cell = office.locator("[data-sheet=增补] [data-testid=problems] tr[data-row='2']")
    assert cell.get_attribute("data-column") == "C"
    assert "不存在的局" in cell.inner_text() and "未知" in cell.inner_text()
    office.locator("[data-sheet=攻坚项目]").scroll_into_view_if_needed()
    screenshot(office, "supervision-import-sheets")
    assert _db(site, "SupervisionList.objects.filter(name='增补事项').count()") == 0
    # The corrected workbook: every sheet clean, one commit writes the three lists.
    office.set_input_files("#id_file", str(good))
    with office.expect_navigation():
        office.click("[data-testid=check]")
    assert office.locator("[data-testid=sheets]").get_attribute("data-ok") == "1"
    assert office.locator("[data-sheet=攻坚项目] [data-testid=diff]").get_attribute(
        "data-new") == "1"
    office.set_input_files("#id_file", str(good))
    with office.expect_navigation():
        office.click("[data-testid=commit]")
    assert "增补事项" in office.locator("body").inner_text()
    assert _db(site, "sorted(Item.objects.filter(code__in=['ZD-91', 'GJ-31', 'ZB-1'])"
                     ".values_list('supervision_list__name', flat=True))") == [
        "增补事项", "攻坚项目", "重点任务"]
