"""Anomalies go into the core alert loop: to the environment office (the point's unit) and
the dispatchers, and as notices to the enterprise's and the plant operator's contacts."""

from __future__ import annotations

from datetime import datetime

from zoneops.core.models import Alert, Notification
from zoneops.water.balance import Anomaly
from zoneops.water.services import raise_alerts, update_point

T = datetime.fromisoformat("2026-12-04T01:00:00+08:00")


def anomaly(point: str, kind: str = "unexplained_load") -> Anomaly:
    return Anomaly(point, kind, "COD", T, T.replace(hour=5), 20.0, 80.0, f"{point} why")


def test_alerts_reach_the_office_the_enterprise_and_the_plant_operator(wc) -> None:
    from zoneops.core.models import Role
    from zoneops.core.services.people import create_user

    world = wc.world
    update_point(world.users["admin"], wc.points["P-in"], {"enterprise": world.enterprise_b})
    operator = create_user(None, {"username": "plant_op", "role": Role.ENTERPRISE,
                                "enterprise": world.enterprise_b}, password="x-Plant-2026!")
    seen = set(Notification.objects.values_list("pk", flat=True))

    def new(user):
        return list(Notification.objects.filter(recipient=user).exclude(pk__in=seen))

    raise_alerts([anomaly("N1"), anomaly("S1", "limit_exceeded")])
    n1 = Alert.objects.get(module="water", key="N1:unexplained_load:COD")
    assert n1.unit == world.unit_b and n1.level == Alert.Level.ORANGE
    s1 = Alert.objects.get(module="water", key="S1:limit_exceeded:COD")
    assert (s1.unit, s1.enterprise) == (world.unit_a, world.enterprise_a)
    # The dispatchers and the units' staff (the environment office) hear of both …
    assert len(new(world.users["office"])) == 2
    assert [n.title for n in new(world.users["staff_a"])] == [f"【橙色】{s1.title}"]
    # … the enterprise of S1 of its own point, linking the point's page it may open …
    (mine,) = new(world.users["enterprise_a"])
    assert mine.link == f"/water/points/{wc.points['S1'].pk}/"
    assert world.client("enterprise_a").get(mine.link).status_code == 200
    # … and the plant operator's contact of both.
    assert sorted(n.title for n in new(operator)) == sorted([n1.title, s1.title])
    # Raising the same causes again refreshes the alerts and sends nothing new.
    before = Notification.objects.count()
    raise_alerts([anomaly("N1"), anomaly("S1", "limit_exceeded")])
    assert Notification.objects.count() == before
    assert Alert.objects.filter(module="water").count() == 2
