"""The layouts offices really publish (issue #18): several lists in one workbook, two-level
headers, restarting numbers, one row per node, quarter columns, deadlines in prose, unit
marks, old formats, and the product's own export read back."""

from __future__ import annotations

import io
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command

from zoneops.supervision.exports import export_items
from zoneops.supervision.importer import plan_import, plan_workbook, run_import, split_units
from zoneops.supervision.models import Item, SupervisionList

from .workbooks import messy_list, three_lists


def _nodes(plan, code):
    item = next(i for i in plan.items if i.code == code)
    return [(n.planned_date, n.deliverable) for n in item.nodes]


def test_each_sheet_goes_to_its_list(world, fixed_today):
    plans, problems = plan_workbook(BytesIO(three_lists()), year=2026)
    assert problems == []
    assert [(p.sheet, p.list_name, p.kind) for p in plans] == [
        ("重点任务", "重点任务", "key_tasks"), ("Sheet3", "改革突破", "reforms"),
        ("攻坚项目", "攻坚项目", "tough")]
    assert all(p.ok for p in plans), [str(x) for p in plans for x in p.problems]


def test_two_level_header_marks_counts_and_clauses(world, fixed_today):
    plan = plan_import(BytesIO(three_lists()), list_name="重点任务", year=2026, sheet="重点任务")
    assert plan.ok, [str(p) for p in plan.problems]
    first, second = plan.items
    assert (first.code, first.title, first.domain) == ("1", "推进汽车零部件产业园二期", "产业项目")
    assert (first.lead_unit, first.co_units) == ("经济发展局", ["建设局"])
    assert _nodes(plan, "1") == [(date(2026, 6, 30), "完成50%"), (date(2026, 12, 31), "全面完成")]
    assert (second.lead_unit, second.co_units) == ("建设局", ["经济发展局"])
    # several deadlines in 完成时限: one node each
    assert [n.planned_date for n in second.nodes] == [date(2026, 6, 30), date(2026, 9, 30)]
    assert second.deadline == date(2026, 9, 30)


def test_restarting_numbers_and_every_deadline_form(world, fixed_today):
    plan = plan_import(BytesIO(three_lists()), list_name="改革突破", year=2026, sheet="Sheet3")
    assert plan.ok, [str(p) for p in plan.problems]
    assert [i.code for i in plan.items] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    assert _nodes(plan, "1.1") == [(date(2026, 9, 30), "上线"), (date(2026, 12, 31), "完成验收")]
    assert plan.items[0].nodes[0].why == "‘国庆前’ → 09-30"
    assert (plan.items[0].lead_unit, plan.items[0].co_units) == ("经济发展局", ["建设局"])
    monthly = _nodes(plan, "1.2")
    assert len(monthly) == 12 and monthly[0] == (date(2026, 1, 31), "通报进展")
    assert monthly[-1][0] == date(2026, 12, 31)
    assert _nodes(plan, "2.1") == [(date(2026, 8, 31), "土地集约")]  # an Excel date cell
    assert _nodes(plan, "2.2") == [(date(2026, 6, 30), "标准地出让")]  # a bare 6月底前
    assert _nodes(plan, "2.3") == [(date(2026, 6, 30), "存量盘活")]  # not "前完成"


def test_one_row_per_node_and_quarter_columns(world, fixed_today):
    plan = plan_import(BytesIO(three_lists()), list_name="攻坚项目", year=2026, sheet="攻坚项目")
    assert plan.ok, [str(p) for p in plan.problems]
    assert [i.code for i in plan.items] == ["1", "2"]
    assert _nodes(plan, "1") == [(date(2026, 3, 31), "完成设计"), (date(2026, 9, 30), "完成施工")]
    assert _nodes(plan, "2") == [(date(2026, 3, 31), "完成招标"), (date(2026, 6, 30), "开工建设"),
                                 (date(2026, 8, 31), "完成主管网"),
                                 (date(2026, 12, 31), "通水运行")]


def test_cli_imports_every_sheet_in_chinese_then_one_sheet(world, tmp_path, fixed_today):
    from django.utils import translation
    path = tmp_path / "three.xlsx"
    three_lists(path)
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("supervision", "--user", "office", "import", str(path), "--year", "2026",
                     stdout=out)
    assert "已导入 2 项任务" in out.getvalue()
    assert {(lst.name, lst.kind, lst.items.count()) for lst in SupervisionList.objects.all()} \
        == {("重点任务", "key_tasks", 2), ("改革突破", "reforms", 5), ("攻坚项目", "tough", 2)}
    out = StringIO()
    call_command("supervision", "--user", "office", "import", str(path), "--year", "2026",
                 "--list", "攻坚项目", "--sheet", "攻坚项目", "--dry-run", "--lang", "en",
                 stdout=out)
    assert "would import 2 items with 6 nodes into 2026 攻坚项目" in out.getvalue()
    assert "0 new, 2 updated" in out.getvalue()


def test_a_sheet_that_names_no_list_is_a_question(world):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["序号", "任务名称", "牵头单位"])
    wb.active.append([1, "某项工作", "建设局"])
    buf = BytesIO()
    wb.save(buf)
    plans, problems = plan_workbook(BytesIO(buf.getvalue()), year=2026)
    assert plans == [] and "--list NAME --sheet Sheet" in str(problems[0])


@pytest.mark.parametrize(("lead", "co", "expected"), [
    ("区经发局（牵头）、区财政局", "", (["区经发局"], ["区财政局"])),
    ("区行政审批局牵头，区市场监管分局配合", "", (["区行政审批局"], ["区市场监管分局"])),
    ("牵头单位：区人才办", "", (["区人才办"], [])),
    ("牵头单位：区人才办；配合单位：区人社局、区财政局", "", (["区人才办"],
                                                  ["区人社局", "区财政局"])),
    ("经发局", "建设局（配合）", (["经发局"], ["建设局"])),
])
def test_unit_marks_set_roles_and_never_a_name(lead, co, expected):
    assert split_units(lead, co) == expected


def test_the_nearest_unit_is_offered_before_anything_is_created(world, fixed_today):
    rows = [["X-1", "某任务", "", "区经发局（牵头）", "", "", "年底前", "", ""]]
    plan = plan_import(BytesIO(messy_list(rows)), list_name="重点任务", year=2026)
    assert [p.message for p in plan.problems] == [
        "Unknown unit “区经发局”: did you mean “经济发展局”? Add “区经发局” as an alias of "
        "经济发展局, or correct the cell."]


def _gbk_csv() -> bytes:
    return ("序号,任务名称,牵头单位,完成时限\n1,滨湖路改造,建设局,6月底前\n"
            "2,招商引资,经发局,年底前\n").encode("gbk")


def test_old_formats(world, fixed_today):
    import xlwt
    from docx import Document
    book = xlwt.Workbook()
    sheet = book.add_sheet("重点任务")
    for r, values in enumerate([["序号", "任务名称", "牵头单位", "完成时限"],
                                [1, "滨湖路改造", "建设局", "6月底前"],
                                [2, "招商引资", "经发局", "年底前"]]):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    xls = io.BytesIO()
    book.save(xls)
    document = Document()
    table = document.add_table(rows=3, cols=4)
    for r, values in enumerate([["序号", "任务名称", "牵头单位", "完成时限"],
                                ["1", "滨湖路改造", "建设局", "6月底前"],
                                ["2", "招商引资", "经发局", "年底前"]]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    docx = io.BytesIO()
    document.save(docx)
    for data in (xls.getvalue(), _gbk_csv(), docx.getvalue()):
        plan = plan_import(BytesIO(data), list_name="重点任务", year=2026)
        assert plan.ok, [str(p) for p in plan.problems]
        assert [(i.title, i.lead_unit, i.deadline) for i in plan.items] == [
            ("滨湖路改造", "建设局", date(2026, 6, 30)),
            ("招商引资", "经济发展局", date(2026, 12, 31))]


def test_the_export_reads_back_to_the_same_items_and_nodes(world, fixed_today):
    run_import(world.users["office"], BytesIO(messy_list()), list_name="重点任务", year=2026)
    before = {i.code: [(n.planned_date, n.deliverable) for n in i.nodes.all()]
              for i in Item.objects.prefetch_related("nodes")}
    exported = export_items(Item.objects.all())
    plan = run_import(world.users["office"], BytesIO(exported), list_name="重点任务",
                      year=2026, dry_run=True)
    assert plan.ok, [str(p) for p in plan.problems]
    assert len(plan.updated_items) == 3 and not plan.new_items
    assert {i.code: [(n.planned_date, n.deliverable) for n in i.nodes]
            for i in plan.items} == before
    assert all(not i.changes for i in plan.items), [i.changes for i in plan.items]
    run_import(world.users["office"], BytesIO(exported), list_name="重点任务", year=2026)
    after = {i.code: [(n.planned_date, n.deliverable) for n in i.nodes.all()]
             for i in Item.objects.prefetch_related("nodes")}
    assert after == before


def test_a_failed_create_units_import_never_says_created(world, tmp_path, fixed_today):
    """Issue #17 item 11: an office (not an administrator) asking for new units is refused,
    and the command says what *would* have been created."""
    path = tmp_path / "new.xlsx"
    messy_list([["X-1", "新任务", "", "数据资源局", "", "", "年底前", "", ""]], path)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit):
        call_command("supervision", "--user", "office", "import", str(path), "--list", "重点任务",
                     "--year", "2026", "--create-units", "--lang", "en", stdout=out, stderr=err)
    assert "would create unit: 数据资源局" in out.getvalue()
    assert "created unit" not in out.getvalue().replace("would create unit", "")
    assert "Only an administrator may create units: 数据资源局." in err.getvalue()
