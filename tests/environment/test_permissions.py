"""Permission matrix for every environment page and endpoint: allowed, denied and scoped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.matrix import SCOPED, Matrix, Row, ids
from zoneops.environment import services
from zoneops.environment.convert import ReadingIn

ALL = ["admin", "office", "leader", "duty", "staff_a", "staff_a1", "staff_b", "enterprise_a"]
# Which stations each role sees: plant (unit A, enterprise A), edge (unit B), mast (no unit).
SEES = {"admin": {"PLANT0001", "EDGE0001", "WX0001"}, "office": {"PLANT0001", "EDGE0001",
        "WX0001"}, "leader": {"PLANT0001", "EDGE0001", "WX0001"},
        "duty": {"PLANT0001", "EDGE0001", "WX0001"}, "staff_a": {"PLANT0001"},
        "staff_a1": set(), "staff_b": {"EDGE0001"}, "enterprise_a": {"PLANT0001"}}


@pytest.fixture
def alarmed(env):
    t = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    services.ingest(env.plant.pk, [ReadingIn("a21028", t, "rtd", 0.5)])
    services.ingest(env.edge.pk, [ReadingIn("a21028", t, "rtd", 0.5)])
    return env


def test_anonymous_is_sent_to_login_or_refused(alarmed):
    client = alarmed.world.client(None)
    for url in ["/environment/", "/environment/status.json", "/environment/events/",
                f"/environment/stations/{alarmed.plant.pk}/"]:
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
    assert client.get("/api/environment/stations").status_code == 401


@pytest.mark.usefixtures("instant_rules")
@pytest.mark.parametrize("who", ALL)
def test_watch_status_and_api_are_scoped(alarmed, who):
    client = alarmed.world.client(who)
    assert client.get("/environment/").status_code == 200
    status = client.get("/environment/status.json").json()
    assert {s["mn"] for s in status["stations"]} == SEES[who]
    api = client.get("/api/environment/stations").json()
    assert {s["mn"] for s in api} == SEES[who]
    alarms = client.get("/api/environment/alarms").json()
    stations_of_alarms = {a["data"]["station"] for a in alarms}
    if who in ("admin", "office", "leader", "duty"):
        assert stations_of_alarms == {"PLANT0001", "EDGE0001"}
    elif who == "enterprise_a":
        # Every alarm at its own stations, assigned or not (issue 19); none elsewhere.
        assert stations_of_alarms == {"PLANT0001"}
    else:
        assert stations_of_alarms <= SEES[who]


def _seen_by(mn: str) -> set[str]:
    return {who for who in ALL if mn in SEES[who]}


# An out-of-scope station is not there (404), on the pages as in the API.
STATION_PAGES = [Row(f"/environment/stations/{{{mn}}}/{tail}", _seen_by(mn), SCOPED)
                 for mn in ("PLANT0001", "EDGE0001", "WX0001")
                 for tail in ("", "series.json?range=day", "export.csv")]
STATION_API = [Row(f"/api/environment/stations/{mn}/readings", _seen_by(mn), SCOPED)
               for mn in ("PLANT0001", "EDGE0001", "WX0001")]


@pytest.mark.parametrize("row", STATION_PAGES + STATION_API, ids=ids(STATION_PAGES + STATION_API))
def test_station_pages_allowed_and_scoped(alarmed, row):
    ids_by_mn = {s.mn: s.pk for s in (alarmed.plant, alarmed.edge, alarmed.mast)}
    fill = lambda url: url.format(**ids_by_mn)  # noqa: E731
    Matrix(ALL, alarmed.world.client, fill=fill).check(row)


def test_export_and_series_contents(alarmed):
    client = alarmed.world.client("duty")
    base = f"/environment/stations/{alarmed.plant.pk}/"
    body = client.get(base + "export.csv?from=2026-03-01T16:00&to=2026-03-01T17:00")
    text = body.content.decode("utf-8-sig")
    assert "PLANT0001,甲化工厂界,a21028" in text and "2026-03-01 16:00:00" in text
    assert client.get(base + "export.csv?from=yesterday").status_code == 400
    assert client.get(base + "series.json?range=year").status_code == 400
    readings = client.get("/api/environment/stations/PLANT0001/readings?factor=a21028").json()
    assert readings == [{"factor": "a21028", "time": "2026-03-01T08:00:00Z", "kind": "rtd",
                         "value": 0.5, "flag": "N"}]


def test_nav_and_dashboard_panel(alarmed):
    page = alarmed.world.client("duty").get("/").content.decode()
    assert 'href="/environment/"' in page and 'data-testid="environment-panel"' in page
    assert 'data-testid="environment-panel"' not in alarmed.world.client(
        "staff_a1").get("/").content.decode()  # no stations in scope: no panel


def test_events_stream_speaks_sse(alarmed, settings):
    settings.ENVIRONMENT_SSE_LIFETIME_SECONDS = 0.1
    settings.ENVIRONMENT_SSE_POLL_SECONDS = 0.05
    response = alarmed.world.client("duty").get("/environment/events/")
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"


# Issue 19: maintenance windows (set by the dispatchers and the station's unit; seen by
# whoever sees the station) and the air alarm's page (an enterprise contact sees the alarms at
# its own stations, assigned or not).
MAINTENANCE = [
    Row("/environment/stations/{PLANT0001}/maintenance/", {"admin", "office", "duty", "staff_a"},
        {"leader": 403, "enterprise_a": 403, "staff_b": 404, "staff_a1": 404}, method="POST",
        data={"starts_at": "2026-03-01T08:00", "ends_at": "2026-03-01T10:00",
              "reason": "标定"}, ok=302),
    Row("/environment/stations/{EDGE0001}/maintenance/", {"admin", "office", "duty", "staff_b"},
        {"leader": 403, "staff_a": 404, "enterprise_a": 404, "staff_a1": 404}, method="POST",
        data={"starts_at": "2026-03-01T08:00", "ends_at": "2026-03-01T10:00",
              "reason": "标定"}, ok=302),
    Row("/environment/maintenance/{window}/end/", {"admin", "office", "duty", "staff_a"},
        {"leader": 403, "enterprise_a": 403, "staff_b": 404, "staff_a1": 404}, method="POST",
        ok=302),
    Row("/alerts/{plant_alert}/", {"admin", "office", "leader", "duty", "staff_a",
                                   "enterprise_a"}, SCOPED),
    Row("/alerts/{edge_alert}/", {"admin", "office", "leader", "duty", "staff_b"}, SCOPED),
]


@pytest.mark.usefixtures("instant_rules")
@pytest.mark.parametrize("row", MAINTENANCE, ids=ids(MAINTENANCE))
def test_maintenance_and_alarm_pages_allowed_and_scoped(alarmed, row):
    from datetime import timedelta

    from django.utils import timezone

    from tests.environment.conftest import alerts_of
    from zoneops.environment.models import MaintenanceWindow

    now = timezone.now()
    window = MaintenanceWindow.objects.create(station=alarmed.plant, starts_at=now,
                                              ends_at=now + timedelta(days=1), reason="标定")
    ids_by_name = {"PLANT0001": alarmed.plant.pk, "EDGE0001": alarmed.edge.pk,
                   "window": window.pk,
                   "plant_alert": alerts_of("PLANT0001:a21028:h2s-fenceline").get().pk,
                   "edge_alert": alerts_of("EDGE0001:a21028:h2s-fenceline").get().pk}
    fill = lambda url: url.format(**ids_by_name)  # noqa: E731
    Matrix(ALL, alarmed.world.client, fill=fill).check(row)


def test_maintenance_set_through_the_page_is_audited_and_listed(alarmed):
    from zoneops.core.models import AuditEntry
    from zoneops.environment.models import MaintenanceWindow

    client = alarmed.world.client("staff_a")
    url = f"/environment/stations/{alarmed.plant.pk}/"
    response = client.post(url + "maintenance/", {"starts_at": "2026-03-01T08:00",
                                                  "ends_at": "2026-03-01T07:00",
                                                  "reason": ""})
    assert response.status_code == 302 and not MaintenanceWindow.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "请说明站点运维的原因。" in messages and "结束时间须晚于开始时间。" in messages
    client.post(url + "maintenance/", {"starts_at": "2026-03-01T08:00",
                                       "ends_at": "2026-03-01T10:00", "reason": "更换传感器"})
    window = MaintenanceWindow.objects.get()
    assert window.reason == "更换传感器" and window.created_by.username == "staff_a"
    assert window.starts_at.isoformat() == "2026-03-01T00:00:00+00:00"  # Beijing 08:00
    entry = AuditEntry.objects.get(action="environment.maintenance.create")
    assert entry.object_id == str(window.pk)
    page = client.get(url).content.decode()
    assert "更换传感器" in page and 'data-testid="maintenance-form"' in page
    assert 'data-testid="maintenance-form"' not in alarmed.world.client(
        "enterprise_a").get(url).content.decode()
