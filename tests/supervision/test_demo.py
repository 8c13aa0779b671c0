"""The demo three lists: sizes, a meaningful mix of lights and buckets, history, idempotence."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

import pytest

from zoneops.core import demo as core_demo
from zoneops.core.models import Alert
from zoneops.supervision import demo
from zoneops.supervision.models import Item, LightRecord, Report, SupervisionList, UnitMonthStat


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_demo_lists(fixed_today):
    core_demo.load()
    started = time.monotonic()
    demo.load()
    elapsed = time.monotonic() - started
    # A guard against a pathological slowdown, not a benchmark (those live in bench/): on
    # a busy shared machine this load took 20-25 s (18 s of CPU), old code and new alike.
    assert elapsed < 60, elapsed
    sizes = {lst.name: lst.items.count() for lst in SupervisionList.objects.all()}
    assert sizes == {"重点任务": 34, "改革突破": 28, "攻坚克难": 24}
    domains = Counter(Item.objects.filter(supervision_list__name="重点任务")
                      .values_list("domain", flat=True))
    assert set(domains) == {"经济发展", "社会治理", "城市建设", "民生服务", "国资运营"}
    assert set(Item.objects.filter(supervision_list__name="改革突破")
               .values_list("domain", flat=True)) == {"争创试点", "树立典型", "打造品牌"}
    lights = Counter(Item.objects.values_list("light", flat=True))
    buckets = Counter(Item.objects.values_list("bucket", flat=True))
    assert lights["red"] >= 5 and lights["yellow"] >= 5 and lights["green"] >= 30, lights
    assert all(buckets[b] >= 2 for b in ("done", "ahead", "on_schedule", "behind")), buckets
    zd1 = Item.objects.get(code="ZD-01")
    assert zd1.light == "red" and zd1.lead_unit.code == "U04"
    assert not zd1.reports.filter(period=fixed_today.strftime("%Y-%m")).exists()
    assert Report.objects.filter(status="submitted").exists()  # something to review
    assert Report.objects.filter(status="accepted").count() > 100
    months = set(UnitMonthStat.objects.values_list("month", flat=True))
    assert len(months) == fixed_today.month
    assert LightRecord.objects.values("on").distinct().count() >= 3
    assert Alert.objects.filter(module="supervision").count() >= lights["red"]
    # The demo agrees with itself (issue 19): one open red-light alert per red item and none
    # for others; deadline texts that say the date; nothing past its deadline, unfinished
    # and green.
    from zoneops.core.models.alerts import OPEN_STATUSES

    open_keys = sorted(Alert.objects.filter(module="supervision", status__in=OPEN_STATUSES,
                                            key__startswith="item:")
                       .values_list("key", flat=True))
    assert open_keys == sorted(f"item:{pk}" for pk in
                               Item.objects.filter(light="red").values_list("pk", flat=True))
    for item in Item.objects.all():
        assert item.deadline_text == demo.deadline_text(item.deadline), item.code
        if item.deadline < fixed_today and item.status != "done":
            assert item.light != "green", (item.code, item.deadline, item.progress)
    assert demo.deadline_text(date(2026, 10, 31)) == "10月底前"
    assert demo.deadline_text(date(2026, 12, 31)) == "年底前"
    before = (Item.objects.count(), Report.objects.count())
    demo.load()  # idempotent
    assert (Item.objects.count(), Report.objects.count()) == before
