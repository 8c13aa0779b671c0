"""Safety and operations figures from the other modules, on rows made through their services:
alerts closed within their time limit (a late one counts as late), supervision lights per lead
unit for the year's items, overdue 包保 duties; each scoped to the person asking."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from zoneops.core.models import Alert
from zoneops.core.services import alerts
from zoneops.core.services.alerts import Raise, apply_causes
from zoneops.hazards import services as hazards
from zoneops.indicators.operations import (
    alert_timeliness,
    as_of_day,
    lights_by_unit,
    operations,
)
from zoneops.supervision import services as supervision
from zoneops.supervision.models import Item


def close_through(world, alert: Alert, unit) -> None:
    """The whole loop, as people do it: assign → handle (the unit) → close (the duty office)."""
    staff = world.users["staff_a" if unit == world.unit_a else "staff_b"]
    alerts.assign(world.users["duty"], alert, unit=unit)
    alerts.handle(staff, alert, feedback="处理完毕")
    alerts.close(world.users["duty"], alert)


@pytest.fixture
def closed(world):
    """Closed today: alert_a (red, raised just now: on time), one yellow raised ten days ago
    (its three-day limit long past: late), and alert_b of unit B (on time); one left open."""
    close_through(world, world.alert_a, world.unit_a)
    late = apply_causes([Raise(module="test", level=Alert.Level.YELLOW, title="迟办告警",
                               key="late", unit=world.unit_a)],
                        now=timezone.now() - timedelta(days=10))[0]
    assert late.resolve_due_at < timezone.now()
    close_through(world, late, world.unit_a)
    close_through(world, world.alert_b, world.unit_b)
    alerts.raise_alert(module="water", key="open", level=Alert.Level.BLUE, title="未办结",
                       unit=world.unit_a)
    return late


def test_a_late_closure_counts_as_late(world, closed):
    year = timezone.localdate().year
    rows = {r.module: r for r in alert_timeliness(world.users["leader"], year)}
    assert list(rows) == ["test"]  # the open water alert is not counted
    test = rows["test"]
    assert (test.closed, test.on_time, test.late, test.no_limit) == (3, 2, 1, 0)
    assert test.on_time_pct == pytest.approx(66.7)
    assert alert_timeliness(world.users["leader"], year - 1) == []


def test_an_alert_without_a_limit_is_neither_on_time_nor_late(world, closed):
    Alert.objects.filter(pk=closed.pk).update(resolve_due_at=None)
    test = alert_timeliness(world.users["office"], timezone.localdate().year)[0]
    assert (test.on_time, test.late, test.no_limit) == (2, 0, 1)
    assert test.on_time_pct == 100.0


def test_alert_figures_are_scoped_to_the_unit(world, closed):
    year = timezone.localdate().year
    b = alert_timeliness(world.users["staff_b"], year)
    assert [(r.closed, r.on_time, r.late) for r in b] == [(1, 1, 0)]
    a = alert_timeliness(world.users["staff_a"], year)
    assert [(r.closed, r.on_time, r.late) for r in a] == [(2, 1, 1)]


@pytest.fixture
def items(world):
    admin, office = world.users["admin"], world.users["office"]
    this = supervision.create_list(admin, {"name": "重点任务", "kind": "key_tasks",
                                           "year": 2026})
    last = supervision.create_list(admin, {"name": "重点任务", "kind": "key_tasks",
                                           "year": 2025})

    def item(lst, code, unit):
        return supervision.create_item(admin, {"supervision_list": lst, "code": code,
                                               "title": f"任务{code}", "lead_unit": unit,
                                               "deadline": date(lst.year, 12, 31)})

    red = item(this, "ZD-01", world.unit_a)
    supervision.set_manual_light(office, red, light="red", reason="进度严重滞后")
    yellow = item(this, "ZD-02", world.unit_a)
    supervision.set_manual_light(office, yellow, light="yellow", reason="节点临近")
    item(this, "ZD-03", world.unit_b)
    cancelled = item(this, "ZD-04", world.unit_b)
    Item.objects.filter(pk=cancelled.pk).update(status=Item.Status.CANCELLED)
    item(last, "ZD-01", world.unit_b)  # last year's list: not counted
    return this


def test_lights_per_lead_unit_for_the_year(world, items):
    rows = lights_by_unit(world.users["leader"], 2026)
    assert [r.unit for r in rows] == ["经济发展局", "建设局"]  # the unit with a red first
    a, b = rows
    assert a.lights["red"] == 1 and a.lights["yellow"] == 1 and a.total == 2
    stored = Counter(Item.objects.filter(supervision_list=items, lead_unit=world.unit_b)
                     .exclude(status=Item.Status.CANCELLED).values_list("light", flat=True))
    assert b.total == 1 and {k: v for k, v in b.lights.items() if v} == dict(stored)
    assert lights_by_unit(world.users["leader"], 2024) == []
    assert [r.unit for r in lights_by_unit(world.users["staff_b"], 2026)] == ["建设局"]


@pytest.fixture
def duties(world):
    admin = world.users["admin"]
    unit = hazards.create_unit(admin, {"enterprise": world.enterprise_a, "code": "B-a",
                                       "name": "液氯罐区", "kind": "storage",
                                       "population_500m": 120})
    people = {role: hazards.create_responsible(admin, {"unit": unit, "role": role,
                                                       "name": name, "phone": "138"})
              for role, name in (("main", "张总"), ("technical", "李工"),
                                 ("operations", "王班长"), ("expert", "赵专家"))}
    # Friday 2026-12-04: last week 11-23..11-29 done; November and Q3 not.
    hazards.record_duty(admin, responsible=people["operations"], done_on=date(2026, 11, 25),
                        checked="巡检", today=date(2026, 12, 4))
    return people


def test_overdue_duties_and_the_whole_panel(world, duties, closed):
    ops = operations(world.users["leader"], 2026, today=date(2026, 12, 4))
    assert ops.as_of == date(2026, 12, 4)
    assert sorted(d["person"].name for d in ops.missed_duties) == ["张总", "李工"]
    november = next(d for d in ops.missed_duties if d["person"].name == "李工")
    assert (november["start"], november["end"]) == (date(2026, 11, 1), date(2026, 11, 30))
    assert operations(world.users["staff_b"], 2026, today=date(2026, 12, 4)).missed_duties == []
    # A past year is seen from the day after it ends, so its last periods count.
    assert as_of_day(2025, date(2026, 12, 4)) == date(2026, 1, 1)


def test_screen_shows_the_operations_panel(world, duties, closed, items):
    year = timezone.localdate().year
    page = world.client("leader").get(f"/indicators/screen/?year={year}").content.decode()
    assert 'data-testid="operations"' in page and "安全与运行" in page
    assert 'data-testid="ops-on-time">66.7%' in page
    assert 'data-testid="ops-missed"' in page
