"""The 通报 (monthly report): numbers as of the month's end and the GB/T 9704-2012 layout,
read back with python-docx."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from zoneops.supervision import services
from zoneops.supervision.models import LightRecord
from zoneops.supervision.report import build_monthly, draft_sections, monthly_docx


def test_april_lights_recomputed_not_read_from_stale_records(world, sup):
    # The items were created (and their lights stored) on 2026-05-20: no record exists for
    # April, and the stored ones say red for both. As of 04-30, A had missed 03-31 (red, 30 days
    # late — 50 as of today) and B's node is due that very day (yellow, not red).
    assert set(LightRecord.objects.values_list("light", flat=True)) == {"red"}
    april = build_monthly(world.users["office"], "2026-04")
    assert [(f["item"].code, f["light"], f["overdue_days"]) for f in april.flagged] == [
        ("ZD-01", "red", 30), ("ZD-02", "yellow", None)]
    assert "2026-03-31" in april.flagged[0]["reason"]


def test_month_before_any_record_has_its_lights(world, sup):
    LightRecord.objects.all().delete()
    march = build_monthly(world.users["office"], "2026-03")
    # 03-31: A's first node is due that day (yellow); B's node is a month away (no light).
    assert [(f["item"].code, f["light"]) for f in march.flagged] == [("ZD-01", "yellow")]


def test_items_without_nodes_are_flagged_not_on_schedule(world, sup):
    services.create_item(world.users["admin"], {
        "supervision_list": sup.lst, "code": "ZD-03", "domain": "城市建设", "title": "公园提升",
        "lead_unit": world.unit_b, "deadline": date(2026, 12, 31)})
    april = build_monthly(world.users["office"], "2026-04")
    assert april.totals == {"done": 0, "ahead": 0, "on_schedule": 1, "behind": 1,
                            "no_nodes": 1}
    assert [i.code for i in april.no_nodes] == ["ZD-03"]
    assert {s.name: s.total for s in april.ranking} == {"经济发展局": 1, "建设局": 1}
    assert "1项未设置时间节点（无节点）" in draft_sections(april)["overall"]
    doc = Document(BytesIO(monthly_docx(april)))
    table = _table_after(doc, "三、红黄灯事项及原因")
    light_rows = [[c.text for c in row.cells] for row in table.rows]
    assert ["无节点", "ZD-03"] == [light_rows[-1][0], light_rows[-1][2]]


def _table_after(doc, heading: str):
    """The first table that follows the paragraph `heading` in the body."""
    body = doc.element.body
    seen = False
    for child in body.iterchildren():
        text = "".join(t.text or "" for t in child.iter(qn("w:t")))
        if child.tag == qn("w:p") and text == heading:
            seen = True
        elif seen and child.tag == qn("w:tbl"):
            return next(t for t in doc.tables if t._tbl is child)
    raise AssertionError(f"no table after {heading}")


def _fonts(paragraph) -> set[str]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs}


@pytest.fixture
def ten_items(world, sup):
    for n in range(1, 11):
        services.create_item(world.users["admin"], {
            "supervision_list": sup.lst, "code": str(n), "domain": "经济发展",
            "title": f"事项{n}", "lead_unit": world.unit_a, "deadline": date(2026, 12, 31)},
            nodes=[{"planned_date": date(2026, 4, 10), "deliverable": "完成"}])
    return sup


def test_docx_layout_per_gbt9704(world, ten_items):
    april = build_monthly(world.users["office"], "2026-04")
    doc = Document(BytesIO(monthly_docx(april, number=7)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [37, 35, 28, 26]
    texts = [p.text for p in doc.paragraphs]
    assert "督查〔2026〕7号" in texts
    title = next(p for p in doc.paragraphs if p.text.startswith("关于2026年4月"))
    assert _fonts(title) == {"方正小标宋简体"} and title.runs[0].font.size == Pt(22)
    headings = [p for p in doc.paragraphs if p.text[:2] in {"一、", "二、", "三、", "四、", "五、",
                                                            "六、"}]
    assert [p.text for p in headings] == ["一、总体情况", "二、分类情况", "三、红黄灯事项及原因",
                                          "四、单位排名", "五、存在问题", "六、下步工作要求"]
    assert all(_fonts(p) == {"黑体"} for p in headings)
    second = next(p for p in doc.paragraphs if p.text == "（一）按清单")
    assert _fonts(second) == {"楷体_GB2312"}
    body = doc.paragraphs[texts.index("一、总体情况") + 1]
    assert body.text.startswith("截至2026年4月30日")
    assert _fonts(body) == {"仿宋_GB2312"} and body.runs[0].font.size == Pt(16)
    # 红黄灯 table: red 1, 2, … 10 (not 1, 10, 2), ZD-01, then yellow ZD-02; red shaded red.
    lights = _table_after(doc, "三、红黄灯事项及原因")
    codes = [row.cells[2].text for row in lights.rows[1:]]
    assert codes == [*map(str, range(1, 11)), "ZD-01", "ZD-02"]
    red_cell = lights.rows[1].cells[0]
    assert red_cell.text == "红灯"
    assert red_cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FF0000"
    yellow_cell = lights.rows[-1].cells[0]
    assert yellow_cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FFFF00"
    # Columns sized to content: the title column is wider than the 亮灯 column.
    assert lights.rows[0].cells[3].width > lights.rows[0].cells[0].width
    footer = "".join(p.text for p in section.footer.paragraphs)
    assert footer.startswith("— ") and footer.endswith(" —")
    assert "PAGE" in section.footer._element.xml
    assert texts[-2].startswith("抄送：") and texts[-1].endswith("2026年5月20日印发")


def test_document_number_defaults_to_the_month(world, sup):
    doc = Document(BytesIO(monthly_docx(build_monthly(world.users["office"], "2026-04"))))
    assert "督查〔2026〕4号" in [p.text for p in doc.paragraphs]


def test_edited_texts_replace_the_draft(world, sup):
    april = build_monthly(world.users["office"], "2026-04")
    doc = Document(BytesIO(monthly_docx(april, {"problems": "用地问题突出。\n资金到位慢。"})))
    texts = [p.text for p in doc.paragraphs]
    at = texts.index("五、存在问题")
    assert texts[at + 1: at + 3] == ["用地问题突出。", "资金到位慢。"]


def test_the_offices_manual_light_counts(world, sup):
    services.set_manual_light(world.users["office"], sup.item_b, light="red", reason="征迁受阻")
    april = build_monthly(world.users["office"], "2026-04")
    # B's node was due that very day (yellow by the rules); the office's decision wins.
    assert [(f["item"].code, f["light"]) for f in april.flagged] == [
        ("ZD-01", "red"), ("ZD-02", "red")]
