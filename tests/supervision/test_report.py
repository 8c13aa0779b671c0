"""Exports and the monthly report, read back with openpyxl and python-docx."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from zoneops.supervision import services


@pytest.fixture
def history(world, sup):
    """Item A met node 1 late in May, a problem raised and one solved in May."""
    staff, office = world.users["staff_a"], world.users["office"]
    node1 = sup.item_a.nodes.get(seq=1)
    report = services.submit_report(staff, sup.item_a, period="2026-05", progress=30,
                                    summary="立项完成", lines=[{"node_id": node1.pk,
                                                                "actual_date": date(2026, 5, 8)}])
    services.accept_report(office, report)
    services.add_problem(staff, sup.item_a, description="用地指标不足", raised_at=date(2026, 4, 2))
    p = services.add_problem(staff, sup.item_a, description="施工许可未办",
                             raised_at=date(2026, 5, 3))
    services.solve_problem(staff, p, solution="已办结", solved_at=date(2026, 5, 18))
    return sup


def test_monthly_report_xlsx_and_docx(world, history, tmp_path):
    from zoneops.core.services.org import update_unit
    update_unit(world.users["admin"], world.unit_a, {"leader": world.users["leader"]})
    call_command("supervision", "--user", "leader", "report", "--month", "2026-05",
                 "--out", str(tmp_path))
    wb = load_workbook(tmp_path / "supervision-monthly-2026-05.xlsx")
    by_list = list(wb["按清单"].iter_rows(values_only=True))
    assert by_list[0][:4] == ("清单", "事项数", "已完成", "已完成占比")
    # May 31: item A met node 1 (next due 6-30) → 达进度; item B missed 4-30 → 欠进度.
    # Counts and shares are numbers (shares formatted as percentages), not text.
    assert by_list[1] == ("重点任务", 2, 0, 0.0, 0, 0.0, 1, 0.5, 1, 0.5, 0, 0.0)
    sheet = wb["按清单"]
    assert sheet["D2"].number_format == "0.0%" and sheet["B2"].data_type == "n"
    assert sheet.print_area == ["'按清单'!$A$1:$L$3"] or "$A$1:$L$3" in str(sheet.print_area)
    assert sheet.column_dimensions["A"].width >= 8 and sheet.freeze_panes == "A2"
    assert sheet.print_title_rows and sheet.page_setup.orientation == "landscape"
    flagged = list(wb["红黄灯事项"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in flagged] == [("红灯", "ZD-02"), ("黄灯", "ZD-01")]
    assert "2026-04-30" in flagged[0][6]  # the reason names the missed node
    problems = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in problems) == ["尚未解决", "本月新增", "本月解决"]
    due_next = list(wb["下月到期节点"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3]) for r in due_next] == [("ZD-01", "开工建设")]
    ranking = list(wb["单位排名"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[3]) for r in ranking] == [
        (1, None, "经济发展局", "leader"), (2, None, "建设局", None)]  # empty cells
    # In April both units were behind; the 经济发展局 tie-break keeps the order: no change.
    doc = Document(tmp_path / "supervision-monthly-2026-05.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年5月三张清单推进情况的通报" in text
    assert "共2项" in text and "欠进度1项（50.0%）" in text and "红灯1项，黄灯1项" in text
    tables = doc.tables
    assert tables[0].rows[1].cells[0].text == "重点任务"


def test_april_report_differs(world, history):
    from zoneops.supervision.report import build_monthly
    april = build_monthly(world.users["office"], "2026-04")
    # April 30: A had missed 3-31; B's node is due that very day, so not late yet.
    assert april.totals == {"done": 0, "ahead": 0, "on_schedule": 1, "behind": 1,
                            "no_nodes": 0}
    assert [p.description for p in april.problems["new"]] == ["用地指标不足"]


def test_report_is_for_readers_of_everything(world, sup, tmp_path):
    with pytest.raises(CommandError):
        call_command("supervision", "--user", "staff_a", "report", "--month", "2026-05",
                     "--out", str(tmp_path))
    with pytest.raises(CommandError):
        call_command("supervision", "report", "--month", "2026-5", "--out", str(tmp_path))


def test_monthly_download_reads_back(world, history):
    response = world.client("leader").get("/supervision/monthly/2026-05.xlsx")
    wb = load_workbook(BytesIO(response.content))
    assert "按领域" in wb.sheetnames
    domains = {r[0]: r[1] for r in wb["按领域"].iter_rows(min_row=2, values_only=True)}
    assert domains == {"经济发展": 1, "城市建设": 1}
    response = world.client("leader").get("/supervision/monthly/2026-05.docx")
    assert Document(BytesIO(response.content)).tables


def test_cli_export_with_nodes_and_history(world, history, tmp_path):
    out = tmp_path / "list.xlsx"
    call_command("supervision", "export", "--list", "重点任务", "--out", str(out))
    wb = load_workbook(out)
    assert [r[1] for r in wb["清单"].iter_rows(min_row=2, values_only=True)] == ["ZD-01", "ZD-02"]
    nodes = list(wb["节点"].iter_rows(min_row=2, values_only=True))
    assert len(nodes) == 4 and nodes[0][7].date() == date(2026, 5, 8)
    reports = list(wb["进展"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[5]) for r in reports] == [("ZD-01", "2026-05", "立项完成")]
    with pytest.raises(CommandError):
        call_command("supervision", "export", "--list", "没有的清单", "--out", str(out))


def test_equal_scores_share_a_rank_shown_as_tied():
    """Twelve units at 100.0 are all first (并列), the next one is 13th."""
    from zoneops.supervision.ranking import rank_units

    counts = {(n, f"单位{n:02d}"): {"done": 1 + n % 3} for n in range(12)}
    counts[(99, "末位单位")] = {"done": 1, "behind": 1}
    ranking = rank_units(counts)
    assert [s.rank for s in ranking] == [1] * 12 + [13]
    assert all(s.tied for s in ranking[:12]) and not ranking[12].tied
    # Among the tied the order is stable: more items done first, then by name.
    assert [s.done for s in ranking[:12]] == sorted((s.done for s in ranking[:12]),
                                                    reverse=True)


def test_the_dashboard_marks_ties(world, history):
    body = world.client("leader").get("/supervision/dashboard/?month=2026-03").content.decode()
    rows = body.split('data-testid="ranking"')[1].split("</table>")[0]
    # On 31 March no node was late yet: both units at 100.0, both first (并列).
    assert rows.count('data-rank="1" data-tied="1"') == 2
