"""Excel import: real-looking lists, every problem named, dry run, all or nothing, CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from zoneops.core.models import AuditEntry, Unit
from zoneops.supervision.importer import plan_import, run_import
from zoneops.supervision.models import Item, Node, SupervisionList
from zoneops.supervision.template import template_workbook

from .workbooks import messy_list

BAD_ROWS = [
    ["JJ-01", "推进汽车零部件产业园二期建设", "", "经发局", "", "", "年底前", "3月底前完成立项",
     ""],
    ["JJ-01", "重复编号的任务", "", "经发局", "", "", "年底前", "", ""],           # row 7
    ["JJ-03", "", "", "经发局", "", "", "年底前", "", ""],                         # row 8
    ["JJ-04", "未知单位的任务", "", "数据资源局", "外星办", "", "年底前", "", ""],  # row 9
    ["JJ-05", "时限写错的任务", "", "建设局", "", "", "尽快", "", ""],             # row 10
    ["JJ-06", "节点写错的任务", "", "建设局", "", "", "年底前", "3月底前立项；加快推进", ""],
    ["JJ-07", "节点晚于时限", "", "建设局", "", "", "6月底前", "9月底前完成验收", ""],
]


def _counts():
    return (SupervisionList.objects.count(), Item.objects.count(), Node.objects.count(),
            Unit.objects.count(), AuditEntry.objects.count())


def test_a_messy_real_list_imports(world, fixed_today):
    plan = run_import(world.users["office"], BytesIO(messy_list()), list_name="重点任务",
                      year=2026)
    assert plan.ok and plan.committed, [str(p) for p in plan.problems]
    items = {i.code: i for i in Item.objects.prefetch_related("co_units", "nodes")}
    assert set(items) == {"JJ-01", "JJ-02", "CS-01"}
    jj1, jj2, cs1 = items["JJ-01"], items["JJ-02"], items["CS-01"]
    assert jj1.lead_unit == world.unit_a  # matched by the alias 经发局
    assert [u.name for u in jj1.co_units.all()] == ["建设局"]
    assert [(n.planned_date, n.deliverable) for n in jj1.nodes.all()] == [
        (date(2026, 3, 31), "完成立项"), (date(2026, 6, 30), "开工"),
        (date(2026, 12, 31), "主体结顶")]
    assert jj1.deadline == date(2026, 12, 31) and jj1.deadline_text == "年底前"
    assert jj2.domain == "经济发展"  # from the merged domain cell
    assert [n.planned_date for n in jj2.nodes.all()] == [date(2026, 6, 30), date(2026, 9, 30)]
    # No nodes written: one node at the deadline.
    assert [(n.planned_date, n.deliverable) for n in cs1.nodes.all()] == [
        (date(2026, 6, 30), "完成目标任务")]
    assert cs1.co_units.get() == world.unit_a_child
    # Lights from the engine at import (fixed today 2026-05-20: node 1 of JJ-01 is overdue).
    assert jj1.light == "red" and cs1.light == "green"
    entry = AuditEntry.objects.get(action="import", object_id=str(jj1.pk),
                                  content_type__model="item")
    assert entry.actor == world.users["office"] and entry.after["row"] == "重点工作!6"
    assert len(entry.after["nodes"]) == 3


def test_sections_give_the_domain_when_there_is_no_domain_column(world, fixed_today):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年度改革突破清单"])
    ws.append(["序号", "改革事项", "责任单位", "完成时间"])
    ws.append(["一、争创试点（1项）", None, None, None])
    ws.append([1, "争创国家级绿色园区试点", "经济发展局", "年底前"])
    ws.append(["二、打造品牌", None, None, None])
    ws.append([2, "打造“澄心办”政务服务品牌", "建设局", "长期"])
    buf = BytesIO()
    wb.save(buf)
    plan = plan_import(BytesIO(buf.getvalue()), list_name="改革突破", year=2026)
    assert plan.ok, [str(p) for p in plan.problems]
    assert [(i.code, i.domain, i.deadline) for i in plan.items] == [
        ("1", "争创试点", date(2026, 12, 31)), ("2", "打造品牌", None)]
    assert plan.items[1].nodes == []


def test_every_problem_is_named_and_nothing_changes(world, fixed_today):
    before = _counts()
    plan = run_import(world.users["office"], BytesIO(messy_list(BAD_ROWS)), list_name="重点任务",
                      year=2026)
    assert not plan.ok and not plan.committed
    found = {(p.row, p.column) for p in plan.problems}
    assert found == {(7, "A"), (8, "B"), (9, "D"), (9, "E"), (10, "G"), (11, "H"), (12, "H")}
    text = "\n".join(str(p) for p in plan.problems)
    assert "重点工作!A7 (编号): Code JJ-01 is used again (first on row 6)." in text
    assert "重点工作!D9 (牵头单位): Unknown unit “数据资源局”" in text
    assert "重点工作!G10 (完成时限): Cannot read a deadline in “尽快”." in text
    assert "重点工作!H11 (节点安排): No deadline in “加快推进”." in text
    assert ("重点工作!H12 (节点安排): Node “完成验收” (9月底前) is after the deadline 6月底前."
            in text)
    assert _counts() == before  # the good first row was not imported either


def test_dry_run_changes_nothing(world, fixed_today):
    before = _counts()
    plan = run_import(world.users["office"], BytesIO(messy_list()), list_name="重点任务",
                      year=2026, dry_run=True)
    assert plan.ok and not plan.committed and len(plan.items) == 3
    assert _counts() == before


def test_unknown_units_are_created_only_on_request_and_by_an_administrator(world, fixed_today):
    rows = [["X-1", "建设数据资源平台", "", "数据资源局", "大数据中心", "", "年底前", "", ""]]
    plan = run_import(world.users["admin"], BytesIO(messy_list(rows)), list_name="重点任务",
                      year=2026, dry_run=True, create_units=True)
    assert plan.ok and plan.units_to_create == ["大数据中心", "数据资源局"]
    assert not Unit.objects.filter(name="数据资源局").exists()
    office_plan = run_import(world.users["office"], BytesIO(messy_list(rows)),
                             list_name="重点任务", year=2026, create_units=True)
    assert not office_plan.ok and not office_plan.committed
    plan = run_import(world.users["admin"], BytesIO(messy_list(rows)), list_name="重点任务",
                      year=2026, create_units=True)
    assert plan.committed
    item = Item.objects.get(code="X-1")
    assert item.lead_unit.name == "数据资源局"
    assert [u.name for u in item.co_units.all()] == ["大数据中心"]


def test_a_corrected_sheet_updates_its_list_and_keeps_history(world, fixed_today):
    run_import(world.users["office"], BytesIO(messy_list()), list_name="重点任务", year=2026)
    jj1 = Item.objects.get(code="JJ-01")
    node_ids = list(jj1.nodes.values_list("pk", flat=True))
    history = AuditEntry.objects.filter(object_id=str(jj1.pk)).count()
    same = run_import(world.users["office"], BytesIO(messy_list()), list_name="重点任务",
                      year=2026, dry_run=True)
    assert same.ok and len(same.updated_items) == 3 and not same.new_items
    assert all(p.changes == [] for p in same.items)
    rows = [
        ["JJ-01", "推进汽车零部件产业园二期建设", "全年完成投资6亿元", "经发局", "建设局",
         "周明远", "年底前", "3月底前完成立项；6月底前开工；12月底前主体结顶；9月底前封顶",
         "经济发展"],
        ["JJ-09", "新增任务", "", "建设局", "", "", "年底前", "", "城市建设"],
    ]
    corrected = run_import(world.users["office"], BytesIO(messy_list(rows)),
                           list_name="重点任务", year=2026, dry_run=True)
    assert corrected.ok and [p.code for p in corrected.new_items] == ["JJ-09"]
    assert corrected.updated_items[0].changes == [
        "target: 全年完成投资5亿元 → 全年完成投资6亿元", "+node: 2026-09-30 封顶"]  # English
    assert Item.objects.count() == 3  # a dry run
    run_import(world.users["office"], BytesIO(messy_list(rows)), list_name="重点任务",
               year=2026)
    jj1.refresh_from_db()
    assert Item.objects.count() == 4 and jj1.target == "全年完成投资6亿元"
    assert set(node_ids) <= set(jj1.nodes.values_list("pk", flat=True))  # nodes kept
    assert jj1.nodes.count() == 4
    assert AuditEntry.objects.filter(object_id=str(jj1.pk)).count() > history


def test_not_a_workbook_and_no_header(world):
    plan = plan_import(BytesIO(b"\x00\x01not excel"), list_name="重点任务", year=2026)
    assert not plan.ok and str(plan.problems[0]) == (
        "Not a spreadsheet: expected .xlsx, .xls, .csv or a .docx with a table.")
    plan = plan_import(BytesIO(b"PK\x03\x04 cut short"), list_name="重点任务", year=2026)
    assert str(plan.problems[0]).startswith("Cannot read the file as zip")
    from openpyxl import Workbook
    buf = BytesIO()
    Workbook().save(buf)
    plan = plan_import(BytesIO(buf.getvalue()), list_name="重点任务", year=2026)
    assert "No sheet has a header row" in str(plan.problems[0])


@pytest.mark.parametrize("who", ["leader", "staff_a", "duty"])
def test_only_the_office_imports(world, who):
    with pytest.raises(PermissionDenied):
        run_import(world.users[who], BytesIO(messy_list()), list_name="重点任务", year=2026)


def test_template_reads_back_clean(world, fixed_today):
    plan = plan_import(BytesIO(template_workbook()), list_name="重点任务", year=2026,
                       create_units=True)
    assert plan.ok, [str(p) for p in plan.problems]
    assert [i.code for i in plan.items] == ["ZD-01", "ZD-02", "ZD-03"]
    assert plan.units_to_create == ["招商局", "社会事务局", "综合行政执法局", "规划建设局"]


def test_cli_exit_status_and_messages(world, tmp_path, fixed_today):
    bad = tmp_path / "bad.xlsx"
    messy_list(BAD_ROWS, bad)
    with pytest.raises(SystemExit) as exc:
        call_command("supervision", "import", str(bad), "--list", "重点任务", "--year", "2026")
    assert exc.value.code == 1
    good = tmp_path / "good.xlsx"
    messy_list(path=good)
    from io import StringIO
    out = StringIO()
    call_command("supervision", "--user", "office", "import", str(good), "--list", "重点任务",
                 "--year", "2026", "--dry-run", "--lang", "en", stdout=out)
    assert "would import 3 items with 6 nodes" in out.getvalue()
    assert Item.objects.count() == 0
    call_command("supervision", "--user", "office", "import", str(good), "--list", "重点任务",
                 "--year", "2026", stdout=out)
    assert Item.objects.count() == 3


def test_cli_prints_each_problem_with_row_and_column(tmp_path):
    """The real console command in a subprocess (its own SQLite database)."""
    env_db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    import os
    env = {**os.environ, "DATABASE_URL": env_db, "ZONEOPS_VAR_DIR": str(tmp_path)}
    run = [sys.executable, "-m", "zoneops.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run([*run, "shell", "-c",
                    "from zoneops.core.models import User, Unit;"
                    "User.objects.create_superuser('admin', '', 'x');"
                    "Unit.objects.create(code='A', name='经济发展局');"
                    "Unit.objects.create(code='B', name='建设局')"],
                   env=env, check=True, timeout=60)
    bad = tmp_path / "bad.xlsx"
    messy_list(BAD_ROWS, bad)
    result = subprocess.run([*run, "supervision", "import", str(bad), "--list", "重点任务",
                             "--year", "2026", "--dry-run", "--lang", "en"], env=env,
                            capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    # No alias in this database: 经发局 is unknown too, named once at its first mention.
    # …and offered as the nearest existing name.
    assert [line for line in lines if "经发局" in line][0] == (
        "ERROR 重点工作!D6 (牵头单位): Unknown unit “经发局”: did you mean “经济发展局”? "
        "Add “经发局” as an alias of 经济发展局, or correct the cell.")
    assert [line for line in lines if "数据资源局" in line][0].startswith(
        "ERROR 重点工作!D9 (牵头单位)")
    assert sum("经发局" in line for line in lines) == 1
    assert sum(line.startswith("ERROR 重点工作!") for line in lines) == 8
