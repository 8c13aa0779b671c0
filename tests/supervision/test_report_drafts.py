"""The 通报 draft page: the office edits the section texts, the docx is generated from them.
Its permission rows use the one matrix helper (tests/matrix.py)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from tests.matrix import MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.supervision.models import ReportDraft
from zoneops.supervision.report_drafts import save_draft

DRAFT = "/supervision/monthly/2026-04/draft/"
DRAFT_PAGES = [
    Row(DRAFT, MANAGERS),
    Row(DRAFT, MANAGERS, method="POST", data={"overall": "改写"}, ok=302),
]


@pytest.mark.parametrize("row", DRAFT_PAGES, ids=ids(DRAFT_PAGES))
def test_draft_page_matrix(world, sup, row):
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)
    # Only the managers' posts wrote (each one audited); the draft is one row for the month.
    writers = AuditEntry.objects.filter(content_type__model="reportdraft")
    if row.method == "POST":
        assert ReportDraft.objects.count() == 1
        assert set(writers.values_list("actor__username", flat=True)) == MANAGERS
    else:
        assert not ReportDraft.objects.exists() and not writers.exists()


def test_draft_page_shows_the_fresh_draft_then_the_saved_one(world, sup):
    client = world.client("office")
    body = client.get("/supervision/monthly/2026-04/draft/").content.decode()
    assert "截至2026年4月30日，三张清单共2项" in body and "督查〔2026〕4号" in body
    response = client.post("/supervision/monthly/2026-04/draft/", {
        "overall": "四月总体平稳。", "problems": "用地指标不足。\n资金到位慢。", "number": "12"})
    assert response.status_code == 302
    body = client.get("/supervision/monthly/2026-04/draft/").content.decode()
    assert "四月总体平稳。" in body and "督查〔2026〕12号" in body
    # The edited text is the one issued; an emptied section stays empty.
    doc = Document(BytesIO(world.client("leader").get(
        "/supervision/monthly/2026-04.docx").content))
    texts = [p.text for p in doc.paragraphs]
    assert "督查〔2026〕12号" in texts
    at = texts.index("一、总体情况")
    assert texts[at + 1] == "四月总体平稳。"
    at = texts.index("五、存在问题")
    assert texts[at + 1: at + 3] == ["用地指标不足。", "资金到位慢。"]
    # Another month keeps its own fresh draft.
    may = Document(BytesIO(world.client("leader").get(
        "/supervision/monthly/2026-05.docx").content))
    assert "督查〔2026〕5号" in [p.text for p in may.paragraphs]


def test_saving_is_audited_and_validated(world, sup):
    office = world.users["office"]
    draft = save_draft(office, "2026-04", {"overall": " 甲 "})
    save_draft(office, "2026-04", {"overall": "乙"}, number=3)
    draft.refresh_from_db()
    assert draft.texts["overall"] == "乙" and draft.number == 3
    assert ReportDraft.objects.count() == 1
    actions = list(AuditEntry.objects.filter(object_id=str(draft.pk),
                                             content_type__model="reportdraft")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "update"]
    with pytest.raises(ValidationError, match="sections: bogus"):
        save_draft(office, "2026-04", {"bogus": "x"})
    with pytest.raises(ValidationError):
        save_draft(office, "2026-4", {})
    with pytest.raises(PermissionDenied):
        save_draft(world.users["leader"], "2026-04", {})


def test_bad_number_is_refused_with_a_message(world, sup):
    client = world.client("office")
    response = client.post("/supervision/monthly/2026-04/draft/", {"number": "十二"},
                           follow=True)
    assert "发文字号序号须为正整数" in response.content.decode()  # the page speaks Chinese
    assert not ReportDraft.objects.exists()


def test_cli_report_uses_the_saved_draft(world, sup, tmp_path):
    from django.core.management import call_command

    save_draft(world.users["office"], "2026-04", {"next_steps": "五月底前补齐节点。"}, number=9)
    call_command("supervision", "--user", "leader", "report", "--month", "2026-04",
                 "--out", str(tmp_path))
    texts = [p.text for p in Document(tmp_path / "supervision-monthly-2026-04.docx").paragraphs]
    assert "督查〔2026〕9号" in texts
    assert texts[texts.index("六、下步工作要求") + 1] == "五月底前补齐节点。"
