"""Issue #18: codes in natural order wherever items are listed, exports in the user's
language (the page's, or the command's --lang), and a large import telling people once."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.core.management import call_command
from django.db.models import Count
from openpyxl import Workbook, load_workbook

from zoneops.core.models import Alert, AuditEntry, Notification
from zoneops.supervision.codes import natural_key, sort_code
from zoneops.supervision.exports import export_items
from zoneops.supervision.importer import run_import
from zoneops.supervision.models import Item, LightRecord, Node, SupervisionList

CODES = ["ZD-10", "ZD-2", "ZD-1", "ZD-11", "ZD-3"]
NATURAL = ["ZD-1", "ZD-2", "ZD-3", "ZD-10", "ZD-11"]


def test_natural_key_and_sort_code_agree():
    codes = ["10", "2", "1", "2.10", "2.9", "2.1", "ZD-10", "zd-2", "ZD-01", "１１", "B", "A-3"]
    by_key = sorted(codes, key=natural_key)
    assert by_key == ["1", "2", "2.1", "2.9", "2.10", "10", "１１", "A-3", "B", "ZD-01",
                      "zd-2", "ZD-10"]
    assert sorted(codes, key=sort_code) == by_key
    assert sort_code("ZD-01") == sort_code("zd-1")  # leading zeros and case do not count


def sheet(codes: list[str], today: date) -> bytes:
    """Items in the given code order; the even ones have a node already overdue (red)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "任务名称", "牵头单位", "时间节点"])
    for n, code in enumerate(codes):
        due = date(today.year, 4, 30) if n % 2 == 0 else date(today.year, 11, 30)
        unit = "经济发展局" if n % 4 == 0 else "建设局"
        ws.append([code, f"任务{code}", unit, f"{due.month}月{due.day}日前完成{code}"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_items_are_listed_exported_and_served_in_natural_order(world, fixed_today):
    office = world.users["office"]
    plan = run_import(office, BytesIO(sheet(CODES, fixed_today)), list_name="重点任务",
                      year=2026)
    assert plan.committed
    assert list(Item.objects.values_list("code", flat=True)) == NATURAL
    page = world.client("office").get("/supervision/").content.decode()
    positions = [page.index(f"任务{code}") for code in NATURAL]
    assert positions == sorted(positions)
    api = world.client("office").get("/api/supervision/items").json()
    assert [i["code"] for i in api] == NATURAL
    wb = load_workbook(BytesIO(export_items(Item.objects.all())))
    items, nodes = wb.worksheets[0], wb.worksheets[1]
    assert [r[1] for r in items.iter_rows(min_row=2, values_only=True)] == NATURAL
    assert [r[1] for r in nodes.iter_rows(min_row=2, values_only=True)] == NATURAL
    # A code changed by hand moves to its place.
    item = Item.objects.get(code="ZD-11")
    item.code = "ZD-0"
    item.save(update_fields=["code"])
    assert list(Item.objects.values_list("code", flat=True))[0] == "ZD-0"


def test_an_import_raises_every_red_alert_but_tells_each_person_once(world, fixed_today):
    office = world.users["office"]
    codes = [f"ZD-{n}" for n in range(1, 41)]
    before = dict(Notification.objects.values_list("recipient__username").annotate(
        n=Count("id")))
    plan = run_import(office, BytesIO(sheet(codes, fixed_today)), list_name="重点任务",
                      year=2026)
    assert plan.committed
    red = Item.objects.filter(light="red")
    assert red.count() == 20
    assert Alert.objects.filter(module="supervision").count() == 20
    assert LightRecord.objects.count() == 40 and Node.objects.count() == 40
    # One audit entry per item with what the sheet said, and one for the list.
    first = AuditEntry.objects.get(action="import", object_id=str(Item.objects.get(
        code="ZD-1").pk), content_type__model="item")
    assert first.after["row"].endswith("!2") and first.after["lead_unit"] == "经济发展局"
    assert first.after["nodes"][0]["planned_date"] == "2026-04-30"
    listed = AuditEntry.objects.get(action="import", content_type__model="supervisionlist")
    assert listed.after["items"] == 40 and listed.after["red"] == 20

    def new(username: str) -> list[Notification]:
        mine = Notification.objects.filter(recipient__username=username).order_by("pk")
        return list(mine)[before.get(username, 0):]

    for dispatcher in ("duty", "office"):
        notes = new(dispatcher)
        assert len(notes) == 1, [n.title for n in notes]
        assert "20" in notes[0].title and "ZD-1、ZD-3、ZD-5" in notes[0].body
        assert "light=red" in notes[0].link
    # Unit A leads items 1, 5, 9, ... (all red); unit B the other red ones.
    staff_a, staff_b = new("staff_a"), new("staff_b")
    assert len(staff_a) == 1 and "10" in staff_a[0].title
    assert len(staff_b) == 1 and "10" in staff_b[0].title
    assert f"unit={world.unit_a.pk}" in staff_a[0].link


def test_cli_export_is_in_chinese_by_default_and_english_with_lang_en(world, sup, tmp_path):
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    call_command("supervision", "export", "--list", "重点任务", "--out", str(zh))
    call_command("supervision", "export", "--list", "重点任务", "--out", str(en),
                 "--lang", "en")
    wb = load_workbook(zh)
    assert wb.sheetnames == ["清单", "节点", "进展"]
    header, first = list(wb["清单"].iter_rows(max_row=2, values_only=True))
    assert header[3] == "任务名称" and header[11] == "状态"
    assert first[11] == "已交办"
    assert "Assigned" not in str(first) and "Red" not in str(first)
    wb = load_workbook(en)
    assert wb.sheetnames == ["Items", "Nodes", "Progress"]
    header, first = list(wb["Items"].iter_rows(max_row=2, values_only=True))
    assert header[3] == "Task" and first[11] == "Assigned"


def test_web_export_follows_the_page_language_and_both_read_back(world, sup):
    office = world.client("office")
    for language, items_sheet, status in (("zh-hans", "清单", "已交办"),
                                          ("en", "Items", "Assigned")):
        response = office.get("/supervision/export.xlsx", HTTP_ACCEPT_LANGUAGE=language)
        wb = load_workbook(BytesIO(response.content))
        assert wb.sheetnames[0] == items_sheet
        assert list(wb[items_sheet].iter_rows(min_row=2, values_only=True))[0][11] == status
        plan = run_import(world.users["office"], BytesIO(response.content),
                          list_name="重点任务", year=2026, dry_run=True)
        assert plan.ok, [str(p) for p in plan.problems]
        assert len(plan.updated_items) == 2 and not plan.new_items
        assert all(not i.changes for i in plan.items), [i.changes for i in plan.items]


def _workbook_with_an_unnamed_sheet() -> bytes:
    from .workbooks import three_lists

    wb = load_workbook(BytesIO(three_lists()))
    other = wb.create_sheet("Sheet9")
    other.append(["序号", "任务名称", "牵头单位", "完成时限"])
    other.append(["1", "园区绿化提升", "建设局", "年底前"])
    other.append(["2", "园区路灯改造", "没有的局", "尽快"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("三张清单.xlsx", data)
    return client.post("/supervision/import/", {"file": upload, "list_name": "", "year": 2026,
                                                **fields}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_web_import_of_a_workbook_asks_for_unknown_sheets_then_commits_all(world,
                                                                          fixed_today):
    office = world.client("office")
    data = _workbook_with_an_unnamed_sheet()
    page = _post(office, data, check="1").content.decode()
    # Every sheet with its list; the one that does not say is asked for, in Chinese.
    for sheet, listed in (("重点任务", "重点任务"), ("Sheet3", "改革突破"),
                          ("攻坚项目", "攻坚项目")):
        assert f'name="list_for:{sheet}" value="{listed}"' in page
    assert 'name="list_for:Sheet9" value=""' in page
    assert "无法判断工作表 Sheet9 属于哪张清单：请选择清单。" in page
    assert "新增 2 项，更新 0 项" in page
    assert not SupervisionList.objects.exists()
    # Named, the sheet is planned: its cell problems are shown per sheet and cell, in Chinese.
    page = _post(office, data, check="1", **{"list_for:Sheet9": "园区提升"}).content.decode()
    assert "无法判断工作表" not in page
    sheet9 = page[page.index('data-sheet="Sheet9"'):]
    assert 'data-row="3" data-column="C"' in sheet9 and "没有的局" in sheet9
    assert 'data-row="3" data-column="D"' in sheet9
    # Committing while a sheet has problems writes nothing.
    _post(office, data, commit="1", **{"list_for:Sheet9": "园区提升"})
    assert not SupervisionList.objects.exists() and not Item.objects.exists()
    # Two sheets into one list is refused.
    page = _post(office, data, check="1", **{"list_for:Sheet9": "重点任务"}).content.decode()
    assert "两个工作表都导入清单 重点任务" in page
    # Fixed, all four lists are written in one go.
    wb = load_workbook(BytesIO(data))
    wb["Sheet9"]["C3"], wb["Sheet9"]["D3"] = "建设局", "年底前"
    out = BytesIO()
    wb.save(out)
    response = _post(office, out.getvalue(), commit="1", **{"list_for:Sheet9": "园区提升"})
    assert response.status_code == 302
    assert sorted(SupervisionList.objects.values_list("name", flat=True)) == sorted(
        ["重点任务", "改革突破", "攻坚项目", "园区提升"])
    assert Item.objects.filter(supervision_list__name="园区提升").count() == 2
    # A second check of the same workbook is an update everywhere, with nothing to change.
    page = _post(office, out.getvalue(), check="1",
                 **{"list_for:Sheet9": "园区提升"}).content.decode()
    assert "新增 0 项，更新 2 项" in page and "data-ok=\"1\"" in page
