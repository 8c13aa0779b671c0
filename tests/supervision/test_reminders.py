"""`supervision remind`: before / on the day / daily overdue, numbered escalating notices,
lights by the calendar, and never the same reminder twice."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command

from zoneops.core.models import Notification
from zoneops.supervision import services
from zoneops.supervision.models import Item, Notice, ReminderSent, UnitMonthStat
from zoneops.supervision.reminders import run_reminders


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_reminders_are_sent_once_and_escalate(world, sup):
    staff = world.users["staff_a"]
    Notification.objects.all().delete()
    node2 = sup.item_a.nodes.get(seq=2)  # due 2026-06-30
    counts = run_reminders(date(2026, 6, 27))
    # Node 1 of each item is overdue; node 2 of item A is due in 3 days.
    assert counts["before"] == 1 and counts["overdue"] == 2
    assert run_reminders(date(2026, 6, 27))["before"] == 0  # idempotent the same day
    assert run_reminders(date(2026, 6, 28))["before"] == 0  # 'before' is sent once per date
    assert ReminderSent.objects.filter(node=node2, kind="before").count() == 1
    assert run_reminders(date(2026, 6, 30))["due"] == 1
    assert run_reminders(date(2026, 7, 1))["overdue"] == 3
    assert run_reminders(date(2026, 7, 1)) == {"before": 0, "due": 0, "overdue": 0,
                                                "notices": 0, "lights changed": 0,
                                                "alerts closed": 0}
    titles = _titles(staff)
    assert sum("ZD-01" in t and "完成立项" in t for t in titles) >= 4
    levels = list(Notice.objects.filter(node=node2).order_by("number")
                  .values_list("level", flat=True))
    assert levels == ["blue", "yellow", "red"]
    numbers = list(Notice.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


def test_remind_turns_lights_by_the_calendar(world, sup, monkeypatch):
    item = sup.item_b  # its only node is due 2026-04-30: red already
    services.accept_report  # noqa: B018 (documenting: lights also move on accepted reports)
    admin = world.users["admin"]
    fresh = services.create_item(admin, {"supervision_list": sup.lst, "code": "ZD-09",
                                       "title": "新建人才公寓", "lead_unit": world.unit_b},
                                 nodes=[{"planned_date": date(2026, 5, 25),
                                         "deliverable": "完成主体"}])
    assert fresh.light == "green"
    run_reminders(date(2026, 5, 22))
    assert Item.objects.get(pk=fresh.pk).light == "yellow"  # within 3 days
    run_reminders(date(2026, 5, 26))
    fresh = Item.objects.get(pk=fresh.pk)
    assert (fresh.light, fresh.bucket) == ("red", "behind")
    assert item.light == "red"
    assert UnitMonthStat.objects.filter(month="2026-05").count() == 2


def test_cli_remind(world, sup):
    out = StringIO()
    call_command("supervision", "remind", "--date", "2026-05-21", "--lang", "en", stdout=out)
    assert "overdue: 2" in out.getvalue()
    out = StringIO()
    call_command("supervision", "remind", "--date", "2026-05-21", stdout=out)
    assert "逾期提醒: 0" in out.getvalue()  # Chinese by default, nothing sent twice


def test_nothing_for_done_items(world, sup):
    item = services.update_item(world.users["admin"], sup.item_b, {"status": Item.Status.DONE})
    assert item.light == "green"
    counts = run_reminders(date(2026, 5, 21) + timedelta(days=1))
    assert counts["overdue"] == 1  # item A's overdue node only
