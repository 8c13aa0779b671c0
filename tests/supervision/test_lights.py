"""The pure light engine: each rule, severity, configuration, buckets, reminders, notices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneops.supervision.lights import (
    LightConfig,
    NodeFact,
    NoticeFact,
    bucket,
    evaluate,
    notice_to_issue,
    reminder_for,
)

TODAY = date(2026, 5, 20)


def d(days: int) -> date:
    return TODAY + timedelta(days=days)


def test_overdue_node_is_red_and_says_which():
    result = evaluate(TODAY, [NodeFact(1, d(-40), d(-45)), NodeFact(2, d(-5))])
    assert (result.light, result.rule, result.reason) == ("red", "plan_vs_actual",
                                                          "node_overdue")
    assert result.params == {"seq": 2, "planned": d(-5).isoformat(), "days": 5,
                             "on": TODAY.isoformat()}
    assert result.inputs["today"] == TODAY.isoformat()
    assert result.inputs["nodes"][1] == {"seq": 2, "planned": d(-5).isoformat(), "actual": None}


@pytest.mark.parametrize(("days", "light"), [(4, "green"), (3, "yellow"), (0, "yellow"),
                                             (-1, "red")])
def test_deadline_proximity(days, light):
    assert evaluate(TODAY, [NodeFact(1, d(days))]).light == light


def test_late_catch_up_is_yellow_for_a_while():
    nodes = [NodeFact(1, d(-40), d(-10)), NodeFact(2, d(60))]
    result = evaluate(TODAY, nodes)
    assert (result.light, result.rule) == ("yellow", "late_catch_up")
    assert evaluate(d(21), nodes).light == "green"  # 31 days after the catch-up


def test_notices_colour_the_item_while_their_node_is_open():
    nodes = [NodeFact(1, d(2)), NodeFact(2, d(90))]
    blue = evaluate(TODAY, nodes, notices=[NoticeFact("blue", TODAY, 2)],
                    config=LightConfig(rules=("notices",)))
    assert (blue.light, blue.rule) == ("blue", "notices")
    met = [NodeFact(1, d(2), TODAY), NodeFact(2, d(90))]
    assert evaluate(TODAY, met, notices=[NoticeFact("red", d(-3), 1)]).light == "green"


def test_worst_rule_wins_and_rules_can_be_switched_off():
    nodes = [NodeFact(1, d(-40), d(-10)), NodeFact(2, d(2))]
    assert evaluate(TODAY, nodes).rule == "deadline_proximity"  # both yellow: first rule wins
    config = LightConfig(rules=("plan_vs_actual",))
    assert evaluate(TODAY, nodes, config=config).light == "green"
    assert evaluate(TODAY, [NodeFact(1, d(5))], config=LightConfig(yellow_days=7)).light == \
        "yellow"


def test_manual_and_done():
    nodes = [NodeFact(1, d(-5))]
    manual = evaluate(TODAY, nodes, manual=("yellow", "已协调解决，待补录"))
    assert (manual.light, manual.rule, manual.params["reason"]) == ("yellow", "manual",
                                                                    "已协调解决，待补录")
    with pytest.raises(ValueError):
        evaluate(TODAY, nodes, manual=("red", " "))
    with pytest.raises(ValueError):
        evaluate(TODAY, nodes, manual=("purple", "x"))
    assert evaluate(TODAY, nodes, done=True, manual=("red", "x")).rule == "done"


def test_config_from_data_is_checked():
    assert LightConfig.from_dict({"yellow_days": 5, "source": "x"}).yellow_days == 5
    for bad in ({"yellow_days": -1}, {"colour": 1}, {"rules": ["astrology"]}):
        with pytest.raises(ValueError):
            LightConfig.from_dict(bad)


@pytest.mark.parametrize(("nodes", "done", "expected"), [
    ([NodeFact(1, d(-5), d(-6)), NodeFact(2, d(30))], False, "on_schedule"),
    ([NodeFact(1, d(-5), d(-6)), NodeFact(2, d(30), d(-1))], False, "ahead"),
    ([NodeFact(1, d(-5)), NodeFact(2, d(30), d(-1))], False, "behind"),
    ([NodeFact(1, d(-5))], True, "done"),
    ([], False, "on_schedule"),
])
def test_buckets(nodes, done, expected):
    assert bucket(TODAY, nodes, done) == expected


def test_reminders_before_on_the_day_and_daily_when_overdue():
    assert reminder_for(TODAY, NodeFact(1, d(4))) is None
    assert reminder_for(TODAY, NodeFact(1, d(3))) == ("before", d(3))
    assert reminder_for(d(1), NodeFact(1, d(3))) == ("before", d(3))  # same key: sent once
    assert reminder_for(TODAY, NodeFact(1, TODAY)) == ("due", TODAY)
    assert reminder_for(TODAY, NodeFact(1, d(-2))) == ("overdue", TODAY)
    assert reminder_for(d(1), NodeFact(1, d(-2))) == ("overdue", d(1))
    assert reminder_for(TODAY, NodeFact(1, d(-2), d(-3))) is None


def test_notice_escalation_blue_yellow_red_repeated():
    node = NodeFact(7, d(2))
    assert notice_to_issue(TODAY, node, []) == "blue"
    issued = [NoticeFact("blue", TODAY, 7)]
    assert notice_to_issue(d(1), node, issued) is None
    assert notice_to_issue(d(2), node, issued) == "yellow"
    issued.append(NoticeFact("yellow", d(2), 7))
    assert notice_to_issue(d(3), node, issued) == "red"
    issued.append(NoticeFact("red", d(3), 7))
    assert notice_to_issue(d(9), node, issued) is None
    assert notice_to_issue(d(10), node, issued) == "red"
    assert notice_to_issue(d(10), NodeFact(7, d(2), d(5)), issued) is None


nodes_strategy = st.lists(
    st.builds(lambda seq, p, a: NodeFact(seq, d(p), d(a) if a is not None else None),
              st.integers(1, 20), st.integers(-200, 200),
              st.one_of(st.none(), st.integers(-200, 0))), max_size=8)


@given(nodes_strategy)
def test_red_exactly_when_a_node_is_overdue(nodes):
    result = evaluate(TODAY, nodes)
    overdue = any(n.actual is None and n.planned < TODAY for n in nodes)
    assert (result.light == "red") == overdue
    assert (bucket(TODAY, nodes) == "behind") == overdue
    assert evaluate(TODAY, nodes) == result  # deterministic


@given(nodes_strategy, st.integers(0, 30))
def test_a_wider_yellow_window_never_makes_a_light_milder(nodes, extra):
    narrow = evaluate(TODAY, nodes, config=LightConfig(yellow_days=3))
    wide = evaluate(TODAY, nodes, config=LightConfig(yellow_days=3 + extra))
    order = ["green", "blue", "yellow", "red"]
    assert order.index(wide.light) >= order.index(narrow.light)


# --- as of the day shown (issue #19 item 1) -------------------------------------------------


@pytest.mark.django_db
def test_overdue_days_are_counted_on_the_day_each_page_shows_them(world, sup, monkeypatch):
    """ZD-34's case: a light stored months ago ("31 days overdue") is never what a page shows.
    The item page, the dashboard, the big screen, the API and the monthly report each count
    the days as of their day; the alert's text is dated, so it stays true."""
    from zoneops.core.models import Alert
    from zoneops.supervision import services
    from zoneops.supervision.models import Item
    from zoneops.supervision.reminders import run_reminders

    item = sup.item_b  # one node due 2026-04-30; its light was stored on 2026-05-20
    assert Item.objects.get(pk=item.pk).light_inputs["params"]["days"] == 20
    later = date(2026, 12, 4)
    for module in (services, services.base):
        monkeypatch.setattr(module, "today", lambda: later)
    expected = "第 1 个节点（应于 2026-04-30 完成）截至 2026-12-04 已逾期 218 天。"
    admin = world.client("admin")
    page = admin.get(f"/supervision/items/{item.pk}/").content.decode()
    assert expected in page and "已逾期 20 天" not in page.split('data-testid="light-history"')[0]
    for url in ("/supervision/dashboard/?month=2026-12",
                "/supervision/dashboard/screen/?month=2026-12"):
        body = admin.get(url).content.decode()
        assert expected in body, url
    api = admin.get(f"/api/supervision/items/{item.pk}").json()
    assert api["light_why"] == expected
    # The alert's sentence was written on 2026-05-20 and says so.
    from django.utils import translation

    alert = Alert.objects.get(module="supervision", key=f"item:{item.pk}")
    with translation.override("en"):
        assert "20 days overdue on 2026-05-20" in services.describe(
            alert.data["reason"], alert.data["params"])
        # The daily run refreshes the stored figures and the alert's text, light unchanged.
        assert run_reminders(later)["lights changed"] == 0
    alert.refresh_from_db()
    assert "218 days overdue on 2026-12-04" in alert.detail
    # A past month's report counts as of that month's end.
    from zoneops.supervision.report import build_monthly

    may = build_monthly(world.users["admin"], "2026-05")
    row = next(f for f in may.flagged if f["item"].pk == item.pk)
    assert row["overdue_days"] == 31 and "2026-05-31" in row["reason"]
