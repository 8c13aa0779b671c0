from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zoneops.core.models import Alert, AlertPolicy, AuditEntry, Notification
from zoneops.core.selectors import alert_inbox, history_of
from zoneops.core.services import alerts


def test_raise_sets_time_limits_from_policy(world):
    policy = AlertPolicy.objects.get(level=Alert.Level.RED)
    alert = world.alert_a
    assert alert.resolve_due_at - alert.raised_at == timedelta(minutes=policy.resolve_minutes)
    assert alert.acknowledge_due_at - alert.raised_at == timedelta(
        minutes=policy.acknowledge_minutes)


def test_raise_is_idempotent_per_cause_and_escalates_level(world):
    again = alerts.raise_alert(module="test", key="b", level=Alert.Level.RED,
                               title="乙单位告警 升级", unit=world.unit_b)
    assert again.pk == world.alert_b.pk
    assert again.level == Alert.Level.RED and again.title == "乙单位告警 升级"
    assert Alert.objects.filter(module="test", key="b").count() == 1
    assert history_of(again).filter(action="escalate level").exists()
    # A lower level does not downgrade.
    alerts.raise_alert(module="test", key="b", level=Alert.Level.BLUE, title="t", unit=world.unit_b)
    assert Alert.objects.get(pk=again.pk).level == Alert.Level.RED


def test_audit_records_the_alert_without_its_attached_context(world):
    alert = alerts.raise_alert(module="test", key="ctx", level=Alert.Level.YELLOW, title="t",
                               unit=world.unit_a, data={"readings": [{"value": 1.0}] * 30})
    alerts.resolve_alert(module="test", key="ctx", note="cleared")
    raised, cleared = history_of(alert).filter(action__in=["raise", "cause cleared"]).order_by(
        "at", "pk")
    assert raised.after["level"] == Alert.Level.YELLOW and "data" not in raised.after
    assert cleared.before["cause_cleared_at"] is None and cleared.after["cause_cleared_at"]
    assert "data" not in cleared.before and "data" not in cleared.after
    assert Alert.objects.get(pk=alert.pk).data["readings"][0] == {"value": 1.0}  # kept there


def test_database_refuses_two_open_alerts_for_one_cause(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(module="test", key="a", level=1, title="dup",
                             raised_at=timezone.now())


def test_a_closed_cause_can_alert_again(world):
    alert = world.alert_a
    alerts.assign(world.users["duty"], alert, unit=world.unit_a)
    alerts.handle(world.users["staff_a"], alert, feedback="处理完毕")
    alerts.close(world.users["duty"], alert)
    fresh = alerts.raise_alert(module="test", key="a", level=2, title="再次", unit=world.unit_a)
    assert fresh.pk != alert.pk and fresh.status == "raised"


def test_full_lifecycle_is_audited_and_notified(world):
    duty, staff = world.users["duty"], world.users["staff_a"]
    alert = alerts.acknowledge(staff, world.alert_a, note="收到")
    assert alert.status == "acknowledged" and alert.acknowledged_at
    alert = alerts.assign(duty, alert, unit=world.unit_a, note="请核查")
    assert alert.status == "assigned" and alert.assignee_unit == world.unit_a
    assert Notification.objects.filter(recipient=staff, title__contains="甲单位告警").count() >= 2
    evidence = SimpleUploadedFile("现场照片.jpg", b"jpeg-bytes", content_type="image/jpeg")
    alert = alerts.handle(staff, alert, feedback="已关闭泄漏阀门", files=[evidence])
    assert alert.status == "handled" and alert.feedback == "已关闭泄漏阀门"
    assert alert.attachments.get().name == "现场照片.jpg"
    alert = alerts.close(duty, alert, note="复核通过")
    assert alert.status == "closed" and alert.closed_at
    actions = list(history_of(alert).order_by("at", "id").values_list("action", flat=True))
    assert actions == ["raise", "acknowledge", "assign", "handle", "attach", "close"]
    entry = history_of(alert).get(action="close")
    assert entry.actor == duty and entry.reason == "复核通过"
    assert entry.before["status"] == "handled" and entry.after["status"] == "closed"


def test_reopen_needs_a_reason_and_returns_to_the_assignee(world):
    duty, staff = world.users["duty"], world.users["staff_a"]
    alert = alerts.assign(duty, world.alert_a, user=staff)
    alert = alerts.handle(staff, alert, feedback="done")
    with pytest.raises(ValidationError) as err:
        alerts.reopen(duty, alert, reason="  ")
    assert "reason" in err.value.message_dict
    alert = alerts.reopen(duty, alert, reason="现场仍有异味")
    assert alert.status == "assigned" and alert.assignee_user == staff
    assert history_of(alert).get(action="reopen").reason == "现场仍有异味"


def test_the_dispatcher_who_handled_an_alert_cannot_close_it(world):
    """Verification by a different dispatcher: assigning the alert to oneself and handling it
    does not let one close it; another dispatcher closes, and is recorded."""
    duty, office = world.users["duty"], world.users["office"]
    alert = alerts.assign(duty, world.alert_a, user=duty)
    alert = alerts.handle(duty, alert, feedback="自己处置")
    assert alert.handled_by == duty
    with pytest.raises(PermissionDenied):
        alerts.close(duty, alert, note="自己复核")
    assert Alert.objects.get(pk=alert.pk).status == "handled"
    assert not history_of(alert).filter(action="close").exists()
    page = world.client("duty").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="do-close"' not in page
    refused = world.client("duty").post(f"/api/core/alerts/{alert.pk}/close", data="{}",
                                        content_type="application/json")
    assert refused.status_code == 403
    page = world.client("office").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="do-close"' in page
    alert = alerts.close(office, alert, note="复核通过")
    assert alert.status == "closed" and alert.closed_by == office
    assert history_of(alert).get(action="close").after["closed_by"] == str(office)
    shown = world.client("leader").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="closed-by"' in shown and 'data-testid="handled-by"' in shown
    api = world.client("leader").get(f"/api/core/alerts/{alert.pk}").json()
    assert api["closed_by_id"] == office.pk and api["handled_by_id"] == duty.pk


def test_reopening_starts_a_new_round_so_the_first_handler_may_verify_the_second(world):
    duty, office, staff = world.users["duty"], world.users["office"], world.users["staff_a"]
    alert = alerts.assign(office, world.alert_a, user=duty)
    alert = alerts.handle(duty, alert, feedback="第一次")
    alert = alerts.close(office, alert)
    alert = alerts.reopen(office, alert, reason="仍有异味")
    assert alert.handled_by is None and alert.closed_by is None
    alert = alerts.assign(office, alert, user=staff)
    alert = alerts.handle(staff, alert, feedback="第二次")
    alert = alerts.close(duty, alert)
    assert alert.closed_by == duty and alert.handled_by == staff


def test_transitions_out_of_order_are_refused_and_change_nothing(world):
    duty = world.users["duty"]
    with pytest.raises(ValidationError) as err:
        alerts.close(duty, world.alert_a)
    assert "status" in err.value.message_dict
    with pytest.raises(ValidationError):
        alerts.assign(duty, world.alert_a)  # no assignee
    with pytest.raises(ValidationError):
        alerts.assign(duty, world.alert_a, unit=world.unit_a, enterprise=world.enterprise_a)
    assert Alert.objects.get(pk=world.alert_a.pk).status == "raised"
    assert not history_of(world.alert_a).exclude(action="raise").exists()


def test_permission_checks_in_services(world):
    alert = world.alert_a
    with pytest.raises(PermissionDenied):
        alerts.assign(world.users["leader"], alert, unit=world.unit_a)
    with pytest.raises(PermissionDenied):
        alerts.acknowledge(world.users["enterprise_a"], alert)
    alert = alerts.assign(world.users["duty"], alert, unit=world.unit_a)
    with pytest.raises(PermissionDenied):
        alerts.handle(world.users["staff_b"], alert, feedback="not mine")
    with pytest.raises(ValidationError):
        alerts.handle(world.users["staff_a"], alert, feedback="")


def test_overdue_alerts_escalate_to_the_units_leader_once(world):
    from zoneops.core.services.org import update_unit

    leader = world.users["leader"]
    update_unit(world.users["admin"], world.unit_a, {"leader": leader})
    later = timezone.now() + timedelta(days=1)
    assert alerts.escalate_overdue(later) >= 1
    alert = Alert.objects.get(pk=world.alert_a.pk)
    assert alert.escalated_at == later
    assert Notification.objects.filter(recipient=leader, title__contains="甲单位告警").exists()
    assert alerts.escalate_overdue(later + timedelta(hours=1)) == 0
    assert alert in alert_inbox(leader, "mine")


def test_module_resolving_its_cause_marks_but_does_not_close(world):
    alerts.resolve_alert(module="test", key="a", note="浓度已回落")
    alert = Alert.objects.get(pk=world.alert_a.pk)
    assert alert.cause_cleared_at is not None and alert.status == "raised"
    assert history_of(alert).get(action="cause cleared").reason == "浓度已回落"
    # Raising the same cause again clears the mark.
    alerts.raise_alert(module="test", key="a", level=4, title="again", unit=world.unit_a)
    assert Alert.objects.get(pk=world.alert_a.pk).cause_cleared_at is None


def test_a_batch_of_causes_acts_as_they_would_one_by_one(world):
    raised_b = world.alert_b.raised_at
    results = alerts.apply_causes([
        alerts.Raise("test", Alert.Level.YELLOW, "丙告警", key="c", unit=world.unit_a),
        alerts.Clear("test", "c", "已回落"),
        alerts.Raise("test", Alert.Level.ORANGE, "丙告警 升级", key="c", unit=world.unit_a),
        alerts.Raise("test", Alert.Level.RED, "乙单位告警 升级", key="b", unit=world.unit_b),
        alerts.Clear("test", "a", "甲已回落"),
        alerts.Clear("test", "nothing-open"),
    ])
    fresh = Alert.objects.get(module="test", key="c")
    assert results[0] is results[2] and results[0].pk == fresh.pk
    assert fresh.level == Alert.Level.ORANGE and fresh.cause_cleared_at is None
    assert list(history_of(fresh).order_by("pk").values_list("action", flat=True)) == [
        "raise", "cause cleared", "escalate level"]
    escalated = Alert.objects.get(pk=world.alert_b.pk)
    assert escalated.level == Alert.Level.RED and escalated.title == "乙单位告警 升级"
    red = AlertPolicy.objects.get(level=Alert.Level.RED)
    assert escalated.resolve_due_at == raised_b + timedelta(minutes=red.resolve_minutes)
    assert history_of(escalated).filter(action="escalate level").count() == 1
    cleared = Alert.objects.get(pk=world.alert_a.pk)
    assert cleared.cause_cleared_at is not None and cleared.title == "甲单位告警"
    assert history_of(cleared).get(action="cause cleared").reason == "甲已回落"
    assert results[5] is None
    staff_a, staff_b = world.users["staff_a"], world.users["staff_b"]
    assert Notification.objects.filter(recipient=staff_a, link=f"/alerts/{fresh.pk}/"
                                       ).count() == 2  # raised, escalated (clears: dispatchers)
    assert Notification.objects.filter(recipient=staff_b, title__contains="乙单位告警 升级"
                                       ).count() == 1
    assert Notification.objects.filter(recipient=world.users["duty"],
                                       link=f"/alerts/{fresh.pk}/").count() == 3


def test_a_batch_with_a_bad_level_changes_nothing(world):
    with pytest.raises(ValidationError):
        alerts.apply_causes([alerts.Raise("test", 2, "好的", key="ok"),
                             alerts.Raise("test", 9, "坏的", key="bad")])
    assert not Alert.objects.filter(key__in=["ok", "bad"]).exists()


def test_inboxes(world):
    duty, staff = world.users["duty"], world.users["staff_a"]
    assert set(alert_inbox(duty, "mine")) == {world.alert_a, world.alert_b}
    alerts.assign(duty, world.alert_a, user=staff)
    assert set(alert_inbox(staff, "mine")) == {world.alert_a}
    assert set(alert_inbox(world.users["staff_b"], "mine")) == {world.alert_b}
    assert AuditEntry.objects.filter(action="assign").count() == 1


def test_evidence_is_downloadable_only_by_those_who_see_the_alert(world):
    alert = alerts.assign(world.users["duty"], world.alert_a, unit=world.unit_a)
    evidence = SimpleUploadedFile("监测报告.pdf", b"%PDF-1.4 evidence", "application/pdf")
    alert = alerts.handle(world.users["staff_a"], alert, feedback="见附件", files=[evidence])
    url = f"/alerts/{alert.pk}/attachments/{alert.attachments.get().pk}/"
    response = world.client("staff_a").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
    assert world.client("staff_b").get(url).status_code == 404
    # The alert is about enterprise A: its contact sees it and its evidence (issue 19).
    assert world.client("enterprise_a").get(url).status_code == 200
    assert world.client(None).get(url).status_code == 302
    other = f"/alerts/{world.alert_b.pk}/attachments/{alert.attachments.get().pk}/"
    assert world.client("duty").get(other).status_code == 404


def test_bulk_acknowledge_from_the_list(world):
    """Issue 19: the duty officer acknowledges many at once; each is audited as one would be;
    alerts the person may not acknowledge or that are no longer new are left alone."""

    staff = world.client("staff_a")
    response = staff.post("/alerts/acknowledge/", {"ids": [world.alert_a.pk, world.alert_b.pk],
                                                   "note": "收到"})
    assert response.status_code == 302
    assert Alert.objects.get(pk=world.alert_a.pk).status == "acknowledged"
    assert Alert.objects.get(pk=world.alert_b.pk).status == "raised"  # not staff A's
    duty = world.client("duty")
    duty.post("/alerts/acknowledge/", {"ids": [world.alert_a.pk, world.alert_b.pk]})
    assert Alert.objects.get(pk=world.alert_b.pk).status == "acknowledged"
    entries = AuditEntry.objects.filter(action="acknowledge").order_by("pk")
    assert [(e.object_id, e.actor.username) for e in entries] == [
        (str(world.alert_a.pk), "staff_a"), (str(world.alert_b.pk), "duty")]
    assert entries[0].reason == "收到"
    page = duty.get("/alerts/?box=all").content.decode()
    assert 'data-testid="bulk-acknowledge"' in page


def test_the_inbox_separates_air_alarms_from_supervision(world):
    """Issue 19: the duty officer's notices and alert list, one module at a time."""
    from zoneops.core.services.alerts import raise_alert

    air = raise_alert(module="environment", key="air", level=4, title="硫化氢报警")
    light = raise_alert(module="supervision", key="light", level=4, title="红灯")
    duty = world.client("duty")
    body = duty.get("/notifications/?module=environment").content.decode()
    assert "硫化氢报警" in body and "红灯" not in body
    body = duty.get("/notifications/?module=supervision").content.decode()
    assert "红灯" in body and "硫化氢报警" not in body
    assert 'data-module="environment"' in duty.get("/notifications/").content.decode()
    body = duty.get("/alerts/?box=open&module=environment").content.decode()
    assert f'href="/alerts/{air.pk}/"' in body and f'href="/alerts/{light.pk}/"' not in body
    body = duty.get("/alerts/?box=open").content.decode()
    assert f'href="/alerts/{air.pk}/"' in body and f'href="/alerts/{light.pk}/"' in body
