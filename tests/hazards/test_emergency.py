"""Emergency command: an incident opened by hand or from an alert, its audited timeline, the
zone redrawn as the wind turns, tasks assigned → done by the unit → verified by the command,
one-click notification (a drill never reaches a unit's outside channels), resources nearest
first, the closing report (docx), and the permission matrix of every endpoint."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

from tests.matrix import READ_ALL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry, Delivery, Notification, NotificationChannel
from zoneops.core.services.alerts import raise_alert
from zoneops.hazards import emergency, services
from zoneops.hazards.models import IncidentEvent, IncidentTask, Resource

LON, LAT = 120.93, 30.68
SQUARE = {"type": "Polygon", "coordinates": [[[LON - 0.0003, LAT - 0.0003],
                                              [LON + 0.0003, LAT - 0.0003],
                                              [LON + 0.0003, LAT + 0.0003],
                                              [LON - 0.0003, LAT + 0.0003],
                                              [LON - 0.0003, LAT - 0.0003]]]}
RELEASE = {"cas": "7782-50-5", "phase": "liquefied_gas", "hole_diameter_mm": 10.0,
           "temperature_c": 20.0, "pressure_kpa": None, "pool_area_m2": None, "stability": "D",
           "insolation": "", "exposure": "60min"}


@pytest.fixture
def site(world):
    admin = world.users["admin"]
    chlorine = services.create_chemical(admin, {"name": "液氯", "cas": "7782-50-5"})
    units = {}
    for key, enterprise in (("a", world.enterprise_a), ("b", world.enterprise_b)):
        with services.batch(admin, "test"):
            unit = services.create_unit(admin, {
                "enterprise": enterprise, "code": f"E-{key}", "name": f"液氯罐区{key}",
                "kind": "storage", "population_500m": 120, "geometry": SQUARE})
            tank = services.create_equipment(admin, {"unit": unit, "tag": "V-1", "kind": "tank"})
            services.set_holding(admin, tank, chemical=chlorine, design_max_t=20)
        units[key] = unit
    Resource.objects.create(kind="team", name="远处消防队", latitude=LAT + 0.05, longitude=LON)
    Resource.objects.create(kind="stockpile", name="近处堵漏器材库", quantity=12, measure="套",
                            latitude=LAT + 0.005, longitude=LON)
    return units


def test_incident_flow_with_timeline_zone_tasks_and_report(world, site) -> None:
    duty, staff = world.users["duty"], world.users["staff_a"]
    incident = emergency.open_incident(duty, unit=site["a"], title="液氯泄漏", drill=False)
    first = emergency.draw_zone(duty, incident, {**RELEASE, "wind_speed_m_s": 3.0,
                                                 "wind_from_deg": 0.0})
    turned = emergency.draw_zone(duty, incident, {**RELEASE, "wind_speed_m_s": 3.0,
                                                  "wind_from_deg": 90.0})
    src_lat = [lat for _lon, lat in first.data["zone"]["features"][-2]["geometry"][
        "coordinates"][0]]
    src_lon = [lon for lon, _lat in turned.data["zone"]["features"][-2]["geometry"][
        "coordinates"][0]]
    assert min(src_lat) < LAT - 0.001  # north wind: the zone runs south
    assert min(src_lon) < LON - 0.001  # east wind: west
    assert emergency.latest_zone(incident)["properties"]["met"]["wind_from_deg"] == 90.0
    task = emergency.add_task(duty, incident, unit=world.unit_a, text="关闭上游阀门",
                              due_at=timezone.now() + timedelta(minutes=30))
    assert Notification.objects.filter(recipient=staff, title__contains="关闭上游阀门").exists()
    with pytest.raises(PermissionDenied):
        emergency.finish_task(world.users["staff_b"], task, feedback="x")
    emergency.finish_task(staff, task, feedback="已关闭")
    with pytest.raises(ValidationError):
        emergency.close_incident(duty, incident, summary="结束")  # a task is not verified
    emergency.close_task(duty, task)
    assert IncidentTask.objects.get(pk=task.pk).status == "closed"
    emergency.close_incident(duty, incident, summary="泄漏已控制")
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds == ["opened", "zone", "zone", "task", "task_done", "task_closed", "closed"]
    assert AuditEntry.objects.filter(object_id=str(incident.pk)).count() >= 8
    with pytest.raises(ValidationError):
        emergency.add_note(duty, incident, text="too late")
    doc = Document(io.BytesIO(emergency.report_docx(incident)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "液氯泄漏" in text and "泄漏已控制" in text and "AEGL-1" in text
    assert "关闭上游阀门" in text and "已关闭" in text
    assert "关闭上游阀门" in cells


def test_drill_notifies_no_channel_but_a_real_incident_does(world, site) -> None:
    duty = world.users["duty"]
    NotificationChannel.objects.create(unit=world.unit_a, kind="webhook",
                                       target="https://example.invalid/hook", enabled=True)
    drill = emergency.open_incident(duty, unit=site["a"], title="演练", drill=True)
    emergency.notify_all(duty, drill, message="演练通知")
    emergency.add_task(duty, drill, unit=world.unit_a, text="演练任务",
                       due_at=timezone.now() + timedelta(hours=1))
    assert Delivery.objects.count() == 0
    # In-app notices still reach the people inside the platform.
    assert Notification.objects.filter(link__endswith=f"/incidents/{drill.pk}/").count() >= 2
    real = emergency.open_incident(duty, unit=site["a"], title="真实", drill=False)
    emergency.notify_all(duty, real, message="真实通知")
    assert Delivery.objects.count() == 1
    event = drill.events.get(kind=IncidentEvent.Kind.NOTIFIED)
    assert event.data["outside_channels"] is False


def test_open_from_alert_and_who_may(world, site) -> None:
    alert = raise_alert(module="environment", level=3, title="氯气超标", key="t-1",
                        enterprise=world.enterprise_a, unit=world.unit_a)
    incident = emergency.open_incident(world.users["office"], unit=site["a"], title="处置",
                                       drill=False, alert=alert)
    assert "氯气超标" in incident.events.get().text
    for role in ("leader", "staff_a", "enterprise_a"):
        with pytest.raises(PermissionDenied):
            emergency.open_incident(world.users[role], unit=site["a"], title="x", drill=True)
    with pytest.raises(ValidationError):
        emergency.add_task(world.users["duty"], incident, unit=world.unit_a, text="x",
                           due_at=timezone.now() - timedelta(minutes=1))


def test_resources_nearest_first(world, site) -> None:
    incident = emergency.open_incident(world.users["duty"], unit=site["a"], title="x",
                                       drill=True)
    names = [r.name for r, _d in emergency.nearest_resources(incident)]
    assert names == ["近处堵漏器材库", "远处消防队"]


@pytest.fixture
def scene(world, site):
    duty = world.users["duty"]
    made = {}
    for key in ("a", "b"):
        incident = emergency.open_incident(duty, unit=site[key], title=f"事件{key}", drill=True)
        task = emergency.add_task(duty, incident, unit=getattr(world, f"unit_{key}"),
                                  text=f"任务{key}", due_at=timezone.now() + timedelta(hours=1))
        made[key], made[f"task_{key}"] = incident, task
    return made


def fill_for(scene):
    names = {k: v.pk for k, v in scene.items()}
    return lambda url: url.format(**names)


SIGNED_IN = frozenset(r for r in WORLD_ROLES if r is not None)
COMMAND = {"admin", "office", "duty"}
SEES_A = READ_ALL | {"staff_a", "enterprise_a"}
SEES_B = READ_ALL | {"staff_b"}
DENY_A = {r: 403 for r in SEES_A}
# Commanding is a role: anyone else is refused outright (403), in scope or not.
ROWS = [
    Row("/hazards/incidents/", SIGNED_IN),
    Row("/hazards/incidents/new/", COMMAND),
    Row("/hazards/incidents/new/", COMMAND, method="POST", data={"title": ""}),  # form again
    Row("/hazards/incidents/{a}/", SEES_A, 404),
    Row("/hazards/incidents/{b}/", SEES_B, 404),
    Row("/hazards/incidents/{a}/report.docx", SEES_A, 404),
    Row("/hazards/incidents/{a}/zone/", COMMAND, method="POST",
        data={"zone": "1", "cas": "7782-50-5"}, ok=302),
    Row("/hazards/incidents/{a}/tasks/", COMMAND, method="POST",
        data={"text": ""}, ok=302),
    Row("/hazards/incidents/{a}/notify/", COMMAND, method="POST",
        data={"message": ""}, ok=302),
    Row("/hazards/incidents/{a}/note/", COMMAND, method="POST",
        data={"text": ""}, ok=302),
    Row("/hazards/incidents/{a}/close/", COMMAND, method="POST",
        data={"summary": ""}, ok=302),
    # The assigned unit's staff (and the command) mark a task done; others who see it 403.
    Row("/hazards/incidents/{a}/tasks/{task_a}/done/", COMMAND | {"staff_a"}, DENY_A,
        method="POST", data={"feedback": ""}, ok=302),
    Row("/hazards/incidents/{a}/tasks/{task_a}/close/", COMMAND, method="POST",
        ok=302),
    Row("/hazards/incidents/{a}/", SIGNED_IN, method="POST", ok=405),  # a page, GET only
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_emergency_matrix(world, scene, row) -> None:
    Matrix(WORLD_ROLES, world.client, anonymous=302, fill=fill_for(scene)).check(row)


def test_the_zone_follows_the_mast_wind_but_not_an_entered_one(world, site) -> None:
    """The worker redraws a zone drawn with the mast's wind once that wind turns 20° or more
    (or changes by 1 m/s); a small change, or a zone drawn with an entered wind, stays."""
    from zoneops.environment.models import Factor, Reading
    from zoneops.environment.services import create_station

    mast = create_station(world.users["admin"], {
        "mn": "WXHZ01", "password": "pw", "name": "园区气象站", "kind": "weather",
        "latitude": LAT + 0.01, "longitude": LON}, factors=["a01007", "a01008"])
    speed, direction = Factor.objects.get(code="a01007"), Factor.objects.get(code="a01008")

    def wind(minutes_ago: int, m_s: float, from_deg: float) -> None:
        at = timezone.now() - timedelta(minutes=minutes_ago)
        Reading.objects.create(station=mast, factor=speed, time=at, kind="rtd", value=m_s)
        Reading.objects.create(station=mast, factor=direction, time=at, kind="rtd",
                               value=from_deg)

    duty = world.users["duty"]
    incident = emergency.open_incident(duty, unit=site["a"], title="液氯泄漏", drill=False)
    wind(10, 3.0, 0.0)
    emergency.draw_zone(duty, incident, {**RELEASE, "wind_speed_m_s": None,
                                         "wind_from_deg": None})
    entered = emergency.open_incident(duty, unit=site["b"], title="演练", drill=True)
    emergency.draw_zone(duty, entered, {**RELEASE, "wind_speed_m_s": 3.0,
                                        "wind_from_deg": 0.0})
    zones = lambda i: i.events.filter(kind=IncidentEvent.Kind.ZONE).count()  # noqa: E731
    wind(5, 3.4, 10.0)  # 10° and 0.4 m/s: the zone on screen still holds
    assert emergency.redraw_on_wind_change() == 0
    wind(1, 3.5, 45.0)  # turned 45°
    assert emergency.redraw_on_wind_change() == 1
    latest = emergency.latest_zone(incident)["properties"]["met"]
    assert latest["wind_from_deg"] == 45.0 and zones(incident) == 2
    assert zones(entered) == 1  # the entered wind is the command's to change
    event = incident.events.filter(kind=IncidentEvent.Kind.ZONE).order_by("-pk").first()
    assert event.by is None and "园区气象站" in event.text
    assert emergency.redraw_on_wind_change() == 0  # drawn once per change
