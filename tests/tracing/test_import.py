"""Release points from a sheet: dry run, every problem as 工作表!单元格, all or nothing,
re-import updates; through the CLI too."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from zoneops.core.models import AuditEntry
from zoneops.tracing import importer
from zoneops.tracing.models import ReleasePoint

HEAD = ["企业", "编号", "名称", "类型", "纬度", "经度", "高度(m)", "排放物质"]


def _sheet(tmp_path, rows, name="排放点"):
    wb = Workbook()
    ws = wb.active
    ws.title = name
    ws.append(HEAD)
    for row in rows:
        ws.append(row)
    path = tmp_path / "points.xlsx"
    wb.save(path)
    return path


def test_good_sheet_dry_run_then_commit_then_update(world, tmp_path):
    e = world.enterprise_a
    path = _sheet(tmp_path, [
        [e.name, "DA001", "1#排气筒", "排气筒", 30.70, 120.90, 25, "a21028、a24088"],
        [e.credit_code, "WW01", "污水池", "污水池", 30.701, 120.901, 1, ""],
        [world.enterprise_b.name, "TV01", "储罐呼吸口", "tank_vent", "30.702", "120.902", "12",
         None],
    ])
    call_command("tracing", "import", str(path))  # dry run
    assert not ReleasePoint.objects.exists()
    call_command("tracing", "import", str(path), "--commit")
    assert ReleasePoint.objects.count() == 3
    stack = ReleasePoint.objects.get(code="DA001")
    assert stack.kind == "stack" and stack.substances == ["a21028", "a24088"]
    assert AuditEntry.objects.filter(action="tracing.point create").count() == 3
    path = _sheet(tmp_path, [[e.name, "DA001", "1#排气筒", "排气筒", 30.70, 120.90, 30, ""]])
    plan = importer.read(str(path))
    assert (plan.new, plan.changed) == (0, 1)
    importer.commit(world.users["admin"], plan)
    stack.refresh_from_db()
    assert stack.height_m == 30 and ReleasePoint.objects.count() == 3


def test_every_problem_is_named_by_cell_and_nothing_is_written(world, tmp_path):
    e = world.enterprise_a
    path = _sheet(tmp_path, [
        [e.name, "DA001", "1#排气筒", "烟囱", 30.70, 120.90, 25, "a21028"],
        ["不存在的企业", "X1", "x", "排气筒", 95, 120.90, -3, "zz999"],
        [e.name, "DA001", "重复", "排气筒", 30.70, 120.90, "", ""],
    ])
    plan = importer.read(str(path))
    text = "\n".join(plan.problems)
    assert "排放点!D2" in text  # 烟囱 is not a kind
    assert "排放点!A3" in text and "排放点!E3" in text and "排放点!G3" in text
    assert "排放点!H3" in text  # unknown code
    assert "排放点!G4" in text and "排放点!B4" in text  # empty height, duplicate code
    with pytest.raises(CommandError):
        call_command("tracing", "import", str(path), "--commit")
    assert not ReleasePoint.objects.exists()


def test_an_enterprise_contact_cannot_import_another_enterprise(world, tmp_path):
    path = _sheet(tmp_path, [[world.enterprise_b.name, "TV01", "储罐呼吸口", "tank_vent",
                              30.7, 120.9, 12, ""]])
    with pytest.raises(CommandError):
        call_command("tracing", "import", str(path), "--commit", "--as", "ent_a")
    assert not ReleasePoint.objects.exists()
