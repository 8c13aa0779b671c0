"""Services: permissions, the report loop, instructions, extensions, lights and the audit trail."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from zoneops.core.models import Alert, AuditEntry
from zoneops.core.models.alerts import OPEN_STATUSES
from zoneops.core.selectors import history_of
from zoneops.supervision import selectors, services
from zoneops.supervision.models import Extension, Item, LightRecord, Report


def _report(sup, who, **kw):
    node1 = sup.item_a.nodes.get(seq=1)
    data = {"period": "2026-05", "progress": 35, "summary": "立项批复已取得",
            "lines": [{"node_id": node1.pk, "actual_date": date(2026, 5, 10),
                       "evidence": "立项批复文件"}]}
    data.update(kw)
    return services.submit_report(who, sup.item_a, **data)


def test_item_codes_are_unique_per_list_only(world, sup):
    admin = world.users["admin"]
    with pytest.raises(ValidationError) as exc:
        services.create_item(admin, {"supervision_list": sup.lst, "code": "ZD-01", "title": "重复",
                                   "lead_unit": world.unit_a})
    assert "code" in exc.value.message_dict
    other = services.create_list(admin, {"name": "改革突破", "kind": "reforms", "year": 2026})
    again = services.create_item(admin, {"supervision_list": other, "code": "ZD-01",
                                         "title": "同号", "lead_unit": world.unit_a})
    assert again.pk


@pytest.mark.parametrize("who", ["staff_a", "leader", "duty", "enterprise_a"])
def test_only_the_office_and_admin_manage_items(world, sup, who):
    with pytest.raises(PermissionDenied):
        services.update_item(world.users[who], sup.item_a, {"title": "x"})
    services.update_item(world.users["office"], sup.item_a, {"title": "推进汽车零部件产业园二期"})
    assert Item.objects.get(pk=sup.item_a.pk).title == "推进汽车零部件产业园二期"


def test_visibility_is_scoped_to_lead_and_cooperating_units(world, sup):
    def seen(who):
        return set(selectors.items_for(world.users[who]).values_list("code", flat=True))
    assert seen("leader") == seen("office") == seen("duty") == {"ZD-01", "ZD-02"}
    assert seen("staff_a") == {"ZD-01"}
    assert seen("staff_b") == {"ZD-01", "ZD-02"}  # leads ZD-02, cooperates on ZD-01
    assert seen("staff_a1") == set()  # a unit below A does not see what A leads
    assert seen("enterprise_a") == set()


def test_report_return_resubmit_accept(world, sup):
    staff, office = world.users["staff_a"], world.users["office"]
    with pytest.raises(PermissionDenied):
        _report(sup, world.users["staff_b"])  # cooperating unit: input only
    with pytest.raises(PermissionDenied):
        _report(sup, world.users["staff_a1"])
    report = _report(sup, staff)
    assert report.status == Report.Status.SUBMITTED
    with pytest.raises(ValidationError) as exc:
        _report(sup, staff)
    assert "period" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.return_report(staff, report, reason="自己退回")
    with pytest.raises(ValidationError) as exc:
        services.return_report(office, report, reason="  ")
    assert "reason" in exc.value.message_dict
    services.return_report(office, report, reason="请补充立项批复文号")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED and report.return_reason
    entry = history_of(report).get(action="return")
    assert entry.reason == "请补充立项批复文号" and entry.actor == office
    report = _report(sup, staff, summary="立项批复（澄发改〔2026〕12号）已取得")
    assert report.status == Report.Status.SUBMITTED
    assert history_of(report).filter(action="resubmit").count() == 1
    lines = history_of(report).filter(action="report nodes").first().after["nodes"]
    assert lines == [{"node": 1, "actual_date": "2026-05-10", "evidence": "立项批复文件",
                      "note": ""}]
    assert sup.item_a.light == "red"
    services.accept_report(office, report)
    item = Item.objects.get(pk=sup.item_a.pk)
    node1 = item.nodes.get(seq=1)
    assert node1.actual_date == date(2026, 5, 10) and node1.evidence == "立项批复文件"
    assert item.progress == 35 and item.status == Item.Status.IN_PROGRESS
    # Node 1 met 40 days late, within the catch-up window: yellow, and the record says why.
    assert (item.light, item.light_rule, item.light_reason) == ("yellow", "late_catch_up",
                                                               "caught_up_late")
    assert item.light_inputs["params"]["seq"] == 1
    assert LightRecord.objects.filter(item=item).first().light == "yellow"
    with pytest.raises(ValidationError):
        services.accept_report(office, report)


def test_bad_report_names_every_field_and_changes_nothing(world, sup):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.submit_report(world.users["staff_a"], sup.item_a, period="2026-13",
                               progress=120, summary="", lines=[
                                   {"node_id": sup.item_b.nodes.get().pk}])
    assert set(exc.value.message_dict) == {"period", "progress", "summary", "nodes"}
    assert Report.objects.count() == 0 and AuditEntry.objects.count() == before


def test_prefill_comes_from_the_last_report(world, sup):
    staff = world.users["staff_a"]
    _report(sup, staff, period="2026-04", progress=20, summary="四月进展")
    filled = selectors.prefill(sup.item_a, "2026-05")
    assert filled["current"] is None
    assert (filled["progress"], filled["summary"]) == (20, "四月进展")
    assert filled["nodes"][0]["actual_date"] == date(2026, 5, 10)
    assert filled["nodes"][0]["evidence"] == "立项批复文件"


def test_instructions_are_written_by_leaders_and_answered_by_the_unit(world, sup):
    with pytest.raises(PermissionDenied):
        services.instruct(world.users["office"], sup.item_a, text="加快进度")
    instruction = services.instruct(world.users["leader"], sup.item_a, text="加快进度，月底前开工")
    assert world.users["staff_a"].notifications.filter(title__contains="ZD-01").exists()
    with pytest.raises(PermissionDenied):
        services.answer_instruction(world.users["staff_b"], instruction, text="收到")
    services.answer_instruction(world.users["staff_a"], instruction, text="已制定倒排计划")
    instruction.refresh_from_db()
    assert instruction.answer == "已制定倒排计划"
    assert instruction.answered_by == world.users["staff_a"]


def test_cooperating_units_add_input(world, sup):
    services.add_comment(world.users["staff_b"], sup.item_a, text="已配合完成用地预审")
    with pytest.raises(PermissionDenied):
        services.add_comment(world.users["staff_a"], sup.item_b, text="越权")
    assert sup.item_a.comments.get().unit == world.unit_b


def test_extension_chain_keeps_the_original_date(world, sup, fixed_today):
    staff, office, leader = (world.users[k] for k in ("staff_a", "office", "leader"))
    node2 = sup.item_a.nodes.get(seq=2)
    overdue = sup.item_a.nodes.get(seq=1)
    with pytest.raises(ValidationError) as exc:
        services.request_extension(staff, overdue, new_date=date(2026, 6, 30), reason="r",
                                   current_progress="p")
    assert "node" in exc.value.message_dict  # already past its date
    with pytest.raises(PermissionDenied):
        services.request_extension(world.users["staff_b"], node2, new_date=date(2026, 8, 31),
                                   reason="r", current_progress="p")
    # Beyond the item's deadline: the responsible leader must approve as well.
    ext = services.request_extension(staff, node2, new_date=date(2027, 1, 31),
                                     reason="征地拆迁未完成", current_progress="完成80%")
    assert ext.steps == ["office", "leader"] and ext.step == "office"
    with pytest.raises(PermissionDenied):
        services.decide_extension(leader, ext, approve=True)
    with pytest.raises(ValidationError):
        services.decide_extension(office, ext, approve=False)  # refusal needs a reason
    ext = services.decide_extension(office, ext, approve=True, note="同意")
    assert ext.step == "leader" and ext.status == Extension.Status.PENDING
    ext = services.decide_extension(leader, ext, approve=True)
    node2.refresh_from_db()
    assert ext.status == Extension.Status.APPROVED
    assert (node2.planned_date, node2.original_date) == (date(2027, 1, 31), date(2026, 6, 30))
    assert [d["step"] for d in ext.decisions] == ["office", "leader"]


def test_unit_leader_step_comes_first_when_the_unit_has_one(world, sup):
    from zoneops.core.services.org import update_unit
    update_unit(world.users["admin"], world.unit_a, {"leader": world.users["leader"]})
    node2 = Item.objects.get(pk=sup.item_a.pk).nodes.get(seq=2)
    ext = services.request_extension(world.users["staff_a"], node2, new_date=date(2026, 7, 31),
                                     reason="设备到货延迟", current_progress="桩基完成")
    assert ext.steps == ["unit_leader", "office"]
    with pytest.raises(PermissionDenied):
        services.decide_extension(world.users["office"], ext, approve=True)
    ext = services.decide_extension(world.users["leader"], ext, approve=False, note="不同意")
    assert ext.status == Extension.Status.REJECTED
    node2.refresh_from_db()
    assert node2.planned_date == date(2026, 6, 30) and node2.original_date is None


def test_red_raises_a_core_alert_to_the_lead_unit_and_green_closes_it(world, sup):
    alert = Alert.objects.get(module="supervision", key=f"item:{sup.item_a.pk}")
    assert alert.unit == world.unit_a and alert.level == Alert.Level.RED
    assert alert.cause_cleared_at is None
    with pytest.raises(ValidationError):
        services.set_manual_light(world.users["office"], sup.item_a, light="green", reason="")
    with pytest.raises(PermissionDenied):
        services.set_manual_light(world.users["leader"], sup.item_a, light="green",
                                  reason="领导认可")
    item = services.set_manual_light(world.users["office"], sup.item_a, light="green",
                                     reason="经现场核查，立项已完成待补录")
    assert (item.light, item.light_rule) == ("green", "manual")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.cause_cleared_at is not None
    closing = AuditEntry.objects.filter(object_id=str(alert.pk), action="close").get()
    assert "经现场核查" in closing.reason
    # Red again: one open alert per item however often the light is recomputed.
    services.set_manual_light(world.users["office"], sup.item_a, light="", reason="撤销人工亮灯")
    services.recompute_light(item)
    services.recompute_light(item)
    assert Alert.objects.filter(module="supervision", key=f"item:{item.pk}",
                                status__in=OPEN_STATUSES).count() == 1


def test_yellow_closes_the_red_alert_too_with_the_reason(world, sup):
    key = f"item:{sup.item_a.pk}"
    assert Alert.objects.get(module="supervision", key=key).status == Alert.Status.RAISED
    services.set_manual_light(world.users["office"], sup.item_a, light="yellow",
                              reason="已开工待补录")
    alert = Alert.objects.get(module="supervision", key=key)
    assert alert.status == Alert.Status.CLOSED
    with translation.override("zh-hans"):
        reason = AuditEntry.objects.get(object_id=str(alert.pk), action="close").reason
    assert "已开工待补录" in reason


def test_sync_alerts_repairs_red_alerts_left_open_for_items_no_longer_red(world, sup):
    """The data repair: alerts left open by the old rule (only green cleared them) close."""
    from zoneops.core.services import alerts as core_alerts

    key = f"item:{sup.item_b.pk}"
    services.set_manual_light(world.users["office"], sup.item_b, light="yellow", reason="核查")
    # What older versions left behind: a red alert open while the item is yellow.
    core_alerts.raise_alert(module="supervision", key=key, level=Alert.Level.RED,
                            title="Red light: ZD-02", unit=world.unit_b)
    stray = Alert.objects.get(module="supervision", key=key, status__in=OPEN_STATUSES)
    out = StringIO()
    call_command("supervision", "sync-alerts", stdout=out)
    assert "alerts closed: 1" in out.getvalue()
    stray.refresh_from_db()
    assert stray.status == Alert.Status.CLOSED
    open_keys = set(Alert.objects.filter(module="supervision", status__in=OPEN_STATUSES)
                    .values_list("key", flat=True))
    red = {f"item:{pk}" for pk in Item.objects.filter(light="red").values_list("pk", flat=True)}
    assert open_keys == red  # one open red-light alert per red item, none for others


def test_every_write_is_audited(world, sup):
    item = sup.item_a
    actions = set(history_of(item).values_list("action", flat=True))
    assert {"create", "set cooperating units"} <= actions
    assert history_of(item.nodes.get(seq=1)).filter(action="create").exists()
    services.add_problem(world.users["staff_a"], item, description="征地指标不足", owner="经发局",
                         due_date=date(2026, 6, 30))
    problem = item.problems.get()
    services.solve_problem(world.users["staff_a"], problem, solution="已争取省级指标")
    assert list(history_of(problem).values_list("action", flat=True)) == ["solve", "create"]


def test_item_scope_agrees_with_itself(world, sup):
    from tests.core.test_scope import assert_agrees
    from zoneops.supervision import permissions as perm

    items = list(Item.objects.prefetch_related("co_units"))
    assert_agrees(perm.ITEMS, list(world.users.values()), items)


def test_history_on_a_chinese_page_shows_labels_not_recorded_values(world, sup):
    page = world.client("leader").get(f"/supervision/items/{sup.item_a.pk}/").content.decode()
    assert 'data-action="set cooperating units">设置协办单位<' in page
    assert ">set cooperating units<" not in page


def test_a_red_light_alert_reads_in_each_readers_language(world, sup):
    """The alert is raised once, in the platform's language; its title and reason are kept as
    message ids too, so an English reader does not get Chinese system text."""
    from django.utils import translation

    from zoneops.core.models import Alert

    services.update_item(world.users["admin"], sup.item_b, {"deadline": date(2026, 4, 30)})
    services.add_node(world.users["admin"], sup.item_b, planned_date=date(2026, 3, 1),
                      deliverable="完成招标")
    services.recompute_light(sup.item_b)
    alert = Alert.objects.get(module="supervision", key=f"item:{sup.item_b.pk}")
    with translation.override("en"):
        assert alert.display_title.startswith("Red light: ZD-02")
        assert "overdue" in alert.display_detail and "节点" not in alert.display_detail
    with translation.override("zh-hans"):
        assert alert.display_title.startswith("红灯") and "ZD-02" in alert.display_title
        assert "逾期" in alert.display_detail


def test_notices_read_in_each_readers_language(world, sup):
    from django.utils import translation

    from zoneops.core.models import Notification

    services.submit_report(world.users["staff_a"], sup.item_a, period="2026-03", progress=20,
                           summary="完成方案")
    notice = Notification.objects.filter(recipient=world.users["office"]).latest("pk")
    with translation.override("en"):
        assert notice.display_title == "Progress report to review: ZD-01 2026-03"
    with translation.override("zh-hans"):
        assert "ZD-01" in notice.display_title and "Progress" not in notice.display_title


def test_a_slip_and_an_extension_decision_read_in_each_readers_language(world, sup):
    """The supervision slip names its level, the decision its status: both as message ids,
    so the level word and the status follow the reader, not the language of the moment."""
    from django.utils import translation

    from zoneops.core.models import Notification

    with translation.override("zh-hans"):
        node = sup.item_a.nodes.get(seq=1)
        services.issue_notice(sup.item_a, node, level="red", on=date(2026, 7, 1))
    slip = Notification.objects.filter(recipient=world.users["staff_a"]).latest("pk")
    with translation.override("en"):
        assert "(Red): ZD-01" in slip.display_title and "红" not in slip.display_title
    with translation.override("zh-hans"):
        assert "（红色）：ZD-01" in slip.display_title
    node2 = sup.item_a.nodes.get(seq=2)
    with translation.override("zh-hans"):
        ext = services.request_extension(world.users["staff_a"], node2,
                                         new_date=date(2026, 7, 31), reason="设备到货延迟",
                                         current_progress="桩基完成")
        services.decide_extension(world.users["office"], ext, approve=False, note="不同意")
    told = Notification.objects.filter(recipient=world.users["staff_a"]).latest("pk")
    with translation.override("en"):
        assert told.display_title == "Extension request on ZD-01: Rejected"
    with translation.override("zh-hans"):
        assert "ZD-01" in told.display_title and "Rejected" not in told.display_title
