"""Every supervision page for every role (allowed, denied, scoped), and the forms behind them."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.matrix import INTERNAL, MANAGERS, READ_ALL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.supervision.models import Item, Report

from .workbooks import messy_list

PAGES = [
    Row("/supervision/", INTERNAL),
    Row("/supervision/items/{a}/", READ_ALL | {"staff_a", "staff_b"}, 404),
    Row("/supervision/items/{b}/", READ_ALL | {"staff_b"}, 404),
    Row("/supervision/items/{a}/report/", {"admin", "staff_a"},
        {"office": 403, "leader": 403, "duty": 403, "staff_b": 403}),
    Row("/supervision/review/", MANAGERS),
    Row("/supervision/import/", MANAGERS),
    Row("/supervision/import/template.xlsx", INTERNAL),
    Row("/supervision/export.xlsx", INTERNAL),
    Row("/supervision/dashboard/", INTERNAL),
    Row("/supervision/dashboard/screen/", INTERNAL),
    Row("/supervision/monthly/", READ_ALL),
    Row("/supervision/monthly/2026-05.xlsx", READ_ALL),
    Row("/supervision/monthly/2026-05.docx", READ_ALL),
    # A report form posted by someone who may not report: refused before anything is read.
    Row("/supervision/items/{a}/report/", {"admin", "staff_a"},
        {"office": 403, "leader": 403, "duty": 403, "staff_b": 403}, method="POST", ok=None),
]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_page_matrix(world, sup, row):
    fill = lambda url: url.format(a=sup.item_a.pk, b=sup.item_b.pk)  # noqa: E731
    Matrix(WORLD_ROLES, world.client, anonymous=302, fill=fill).check(row)


def test_list_filters_and_counts(world, sup):
    client = world.client("leader")
    body = client.get("/supervision/?light=red").content.decode()
    assert 'data-testid="count-total">2<' in body
    body = client.get("/supervision/?domain=城市建设").content.decode()
    assert 'data-item="ZD-02"' in body and 'data-item="ZD-01"' not in body
    body = client.get(f"/supervision/?unit={world.unit_a.pk}").content.decode()
    assert 'data-item="ZD-01"' in body and 'data-item="ZD-02"' not in body
    body = world.client("staff_a").get("/supervision/").content.decode()
    assert 'data-item="ZD-01"' in body and 'data-item="ZD-02"' not in body


def test_item_page_shows_why_the_light_is(world, sup):
    body = world.client("leader").get(f"/supervision/items/{sup.item_a.pk}/").content.decode()
    assert 'data-light="red"' in body and 'data-rule="plan_vs_actual"' in body
    why = body.split('data-testid="light-why">')[1].split("<")[0]
    assert "2026-03-31" in why and "50" in why


def test_report_page_prefills_and_submits_then_office_returns_and_accepts(world, sup):
    staff, office = world.client("staff_a"), world.client("office")
    url = f"/supervision/items/{sup.item_a.pk}/report/"
    node1 = sup.item_a.nodes.get(seq=1)
    page = staff.get(url).content.decode()
    assert 'name="period" value="2026-05"' in page
    bad = staff.post(url, {"period": "2026-05", "progress": "150", "summary": ""})
    assert bad.status_code == 200 and Report.objects.count() == 0
    ok = staff.post(url, {"period": "2026-05", "progress": "30", "summary": "立项完成",
                          f"actual_{node1.pk}": "2026-05-08", f"evidence_{node1.pk}": "批复"})
    assert ok.status_code == 302
    report = Report.objects.get()
    assert staff.get(url).content.decode().count('data-testid="locked"') == 1
    assert office.post(f"/supervision/reports/{report.pk}/return/", {"reason": ""}).status_code \
        == 302
    assert Report.objects.get().status == "submitted"  # a return needs a reason
    assert staff.post(f"/supervision/reports/{report.pk}/return/",
                      {"reason": "x"}).status_code == 403
    assert Report.objects.get().status == "submitted"  # staff may not review
    office.post(f"/supervision/reports/{report.pk}/return/", {"reason": "请附批复文号"})
    page = staff.get(url).content.decode()
    assert 'data-testid="returned"' in page and "请附批复文号" in page
    assert "立项完成</textarea>" in page  # prefilled from the returned report
    # A date input only takes ISO dates: the prefilled node date must survive the round trip.
    assert f'name="actual_{node1.pk}" value="2026-05-08"' in page
    staff.post(url, {"period": "2026-05", "progress": "30", "summary": "立项完成（澄发改12号）",
                     f"actual_{node1.pk}": "2026-05-08", f"evidence_{node1.pk}": "批复"})
    assert Report.objects.get().status == "submitted"
    review = office.get("/supervision/review/").content.decode()
    assert 'data-item="ZD-01"' in review
    office.post(f"/supervision/reports/{report.pk}/accept/")
    item = Item.objects.get(pk=sup.item_a.pk)
    assert item.progress == 30 and item.light == "yellow"


def test_item_actions_respect_permissions(world, sup):
    base = f"/supervision/items/{sup.item_a.pk}"
    assert world.client("office").post(f"{base}/instruct/", {"text": "越权"}).status_code == 403
    world.client("leader").post(f"{base}/instruct/", {"text": "请加快推进"})
    instruction = sup.item_a.instructions.get()
    assert world.client("staff_b").post(f"{base}/answer/{instruction.pk}/",
                                        {"answer": "越权"}).status_code == 403
    world.client("staff_a").post(f"{base}/answer/{instruction.pk}/", {"answer": "已部署"})
    instruction.refresh_from_db()
    assert instruction.text == "请加快推进" and instruction.answer == "已部署"
    world.client("staff_b").post(f"{base}/comment/", {"text": "配合意见"})
    assert sup.item_a.comments.get().text == "配合意见"
    assert world.client("staff_a").post(f"/supervision/items/{sup.item_b.pk}/comment/",
                                        {"text": "x"}).status_code == 404
    assert world.client("leader").post(f"{base}/light/", {"light": "green", "reason": "x"}
                                       ).status_code == 403
    world.client("office").post(f"{base}/light/", {"light": "green", "reason": ""})
    assert Item.objects.get(pk=sup.item_a.pk).light == "red"
    world.client("office").post(f"{base}/light/", {"light": "green", "reason": "现场核实"})
    assert Item.objects.get(pk=sup.item_a.pk).light == "green"
    node2 = sup.item_a.nodes.get(seq=2)
    world.client("staff_a").post(f"{base}/extension/", {
        "node": node2.pk, "new_date": "2026-08-31", "reason": "设备延迟",
        "current_progress": "基础完成"})
    ext = node2.extensions.get()
    assert world.client("staff_a").post(f"{base}/decide/{ext.pk}/", {"approve": "1"}
                                        ).status_code == 403
    ext.refresh_from_db()
    assert ext.status == "pending"
    world.client("office").post(f"{base}/decide/{ext.pk}/", {"approve": "1"})
    node2.refresh_from_db()
    assert node2.planned_date == date(2026, 8, 31) and node2.original_date == date(2026, 6, 30)
    world.client("staff_a").post(f"{base}/problem/", {"description": "资金缺口",
                                                      "owner": "财政局"})
    problem = sup.item_a.problems.get()
    world.client("staff_a").post(f"{base}/solve/{problem.pk}/", {"solution": "已拨付"})
    problem.refresh_from_db()
    assert problem.solved_at == date(2026, 5, 20)


def test_upload_page_dry_run_then_import(world, fixed_today):
    office = world.client("office")
    before = AuditEntry.objects.count()
    bad = messy_list([["JJ-01", "任务", "", "不存在局", "", "", "年底前", "", ""]])
    response = office.post("/supervision/import/", {
        "file": _upload(bad), "list_name": "重点任务", "year": "2026", "commit": "1"})
    body = response.content.decode()
    assert 'data-row="6" data-column="D"' in body and "不存在局" in body
    assert Item.objects.count() == 0 and AuditEntry.objects.count() == before
    response = office.post("/supervision/import/", {
        "file": _upload(messy_list()), "list_name": "重点任务", "year": "2026", "check": "1"})
    assert 'data-testid="plan-ok"' in response.content.decode() and Item.objects.count() == 0
    response = office.post("/supervision/import/", {
        "file": _upload(messy_list()), "list_name": "重点任务", "year": "2026", "commit": "1"})
    assert response.status_code == 302 and Item.objects.count() == 3


def test_a_spreadsheet_bomb_posted_to_the_page_gets_a_clear_answer_at_once(world):
    """Issue #17 item 5: a 5 KB xlsx with one cell at XFD1048576 once took 5.4 GB."""
    import time

    from openpyxl import Workbook
    wb = Workbook()
    wb.active["XFD1048576"] = 1
    buf = BytesIO()
    wb.save(buf)
    started = time.perf_counter()
    response = world.client("office").post("/supervision/import/", {
        "file": _upload(buf.getvalue()), "list_name": "重点任务", "year": "2026", "check": "1"})
    assert time.perf_counter() - started < 1
    body = response.content.decode()
    assert response.status_code == 200
    assert "工作表声明有 1048576 行，最多可读取 200000 行。" in body
    assert Item.objects.count() == 0


def test_the_dry_run_page_shows_what_an_update_changes(world, fixed_today):
    office = world.client("office")
    office.post("/supervision/import/", {
        "file": _upload(messy_list()), "list_name": "重点任务", "year": "2026", "commit": "1"})
    rows = [["JJ-01", "推进汽车零部件产业园二期建设", "全年完成投资6亿元", "经发局", "建设局",
             "周明远", "年底前", "3月底前完成立项；6月底前开工；12月底前主体结顶", "经济发展"]]
    body = office.post("/supervision/import/", {
        "file": _upload(messy_list(rows)), "list_name": "重点任务", "year": "2026",
        "check": "1"}).content.decode()
    assert "更新：目标任务: 全年完成投资5亿元 → 全年完成投资6亿元" in body


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile("list.xlsx", data)


def test_export_of_a_filtered_view_is_scoped(world, sup):
    wb = load_workbook(BytesIO(world.client("staff_a").get("/supervision/export.xlsx").content))
    assert [r[1] for r in wb["清单"].iter_rows(min_row=2, values_only=True)] == ["ZD-01"]
    assert len(list(wb["节点"].iter_rows(min_row=2))) == 3
    wb = load_workbook(BytesIO(world.client("leader").get(
        "/supervision/export.xlsx?domain=城市建设").content))
    assert [r[1] for r in wb["清单"].iter_rows(min_row=2, values_only=True)] == ["ZD-02"]


def test_dashboard_and_home_panel(world, sup):
    body = world.client("leader").get("/supervision/dashboard/").content.decode()
    assert 'data-bucket="behind">2<' in body
    assert 'data-item="ZD-01" data-light="red"' in body
    assert 'id="dashboard-data"' in body
    home = world.client("office").get("/").content.decode()
    assert 'data-testid="supervision-panel"' in home and 'data-testid="panel-red">2<' in home
    assert 'data-testid="supervision-panel"' not in world.client("enterprise_a").get(
        "/").content.decode()


def test_attachments_are_served_only_to_those_who_see_the_item(world, sup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = f"/supervision/items/{sup.item_a.pk}"
    upload = SimpleUploadedFile("批复.pdf", b"%PDF-1.4 demo")
    assert world.client("staff_b").post(f"{base}/attach/", {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("批复.pdf", b"%PDF-1.4 demo")
    assert world.client("staff_a").post(f"{base}/attach/", {"file": upload}).status_code == 302
    attachment = sup.item_a.attachments.get()
    url = f"{base}/attachments/{attachment.pk}/"
    assert b"".join(world.client("staff_b").get(url).streaming_content) == b"%PDF-1.4 demo"
    assert world.client("staff_a1").get(url).status_code == 404
    assert world.client("enterprise_a").get(url).status_code == 404
    assert world.client("staff_a").post(f"{base}/nonsense/").status_code == 404


def test_cached_pages_follow_every_change(world, sup):
    leader = world.client("leader")
    assert 'data-light-count="red">2<' in leader.get("/supervision/dashboard/").content.decode()
    assert 'data-count-light="red">2<' in leader.get("/supervision/").content.decode()
    from zoneops.supervision import services
    services.set_manual_light(world.users["office"], sup.item_b, light="green", reason="已复核")
    assert 'data-light-count="red">1<' in leader.get("/supervision/dashboard/").content.decode()
    assert 'data-count-light="red">1<' in leader.get("/supervision/").content.decode()
    # Unit staff get their own copy, never the leaders'.
    body = world.client("staff_a").get("/supervision/").content.decode()
    assert 'data-testid="count-total">1<' in body


def test_evidence_files_travel_with_the_report_to_the_review_queue(world, sup, monkeypatch):
    """Issue 19: files are uploaded inside the progress report form, listed in the review
    queue and downloaded under their Chinese names (RFC 5987); too big a file is refused
    by name and nothing is written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zoneops.supervision.models import Attachment
    from zoneops.supervision.services import reports as report_services

    staff, office = world.client("staff_a"), world.client("office")
    url = f"/supervision/items/{sup.item_a.pk}/report/"
    form = {"period": "2026-05", "progress": "30", "summary": "立项完成"}
    assert 'enctype="multipart/form-data"' in staff.get(url).content.decode()
    monkeypatch.setattr(report_services, "MAX_ATTACHMENT_BYTES", 10)
    big = staff.post(url, {**form, "files": [SimpleUploadedFile("大文件.pdf", b"x" * 11)]})
    assert big.status_code == 200 and "大文件.pdf" in big.content.decode()
    assert not Report.objects.exists() and not Attachment.objects.exists()
    monkeypatch.undo()
    files = [SimpleUploadedFile("立项批复.pdf", b"%PDF-1.4 evidence"),
             SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0 photo")]
    assert staff.post(url, {**form, "files": files}).status_code == 302
    report = Report.objects.get()
    assert sorted(report.attachments.values_list("name", flat=True)) == ["现场照片.jpg",
                                                                          "立项批复.pdf"]
    review = office.get("/supervision/review/").content.decode()
    assert 'data-testid="review-files"' in review and "立项批复.pdf" in review
    found = report.attachments.get(name="立项批复.pdf")
    link = f"/supervision/items/{sup.item_a.pk}/attachments/{found.pk}/"
    assert link in review
    got = office.get(link)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 evidence"
    assert "filename*=UTF-8''%E7%AB%8B%E9%A1%B9%E6%89%B9%E5%A4%8D.pdf" in \
        got["Content-Disposition"]
    # Who may fetch it: whoever sees the item; others get nothing (404 out of scope).
    row = Row(link, READ_ALL | {"staff_a", "staff_b"}, 404)
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)


def test_downloads_carry_chinese_file_names(world, sup):
    client = world.client("office")
    client.cookies["django_language"] = "zh-hans"
    for url, name in (("/supervision/monthly/2026-05.xlsx", "督办月报-2026-05.xlsx"),
                      ("/supervision/import/template.xlsx", "督办清单导入模板.xlsx")):
        header = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")["Content-Disposition"]
        assert header.startswith('attachment; filename="')
        assert "filename*=UTF-8''" + quote(name, safe="") in header, header
