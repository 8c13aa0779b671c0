"""Issue 19: one release, one alert. The demo's scripted release (H2S at CWHG-E01, NMHC at
CWHG-E03, as `zoneops demo` starts it) is replayed through ingest on the demo's own stations
and rules; the alarms it trips (station × factor × tier) become one incident listing them.
Maintenance windows keep a station quiet."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneops.core import demo as core_demo
from zoneops.core.models import Alert, AuditEntry, User
from zoneops.environment import demo as env_demo
from zoneops.environment import services
from zoneops.environment.audit import EnvironmentAction
from zoneops.environment.convert import ReadingIn, Upload
from zoneops.environment.incidents import RADIUS_M, distance_m
from zoneops.environment.management.commands.simulate import DEFAULT_RATE
from zoneops.environment.models import Station
from zoneops.environment.simulate import Release, SimStation, World

pytestmark = pytest.mark.django_db
START = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.load()
    env_demo.load()
    return {s.mn: s for s in Station.objects.all()}


def replay(stations: dict[str, Station], world: World, seconds: int, step: int = 20) -> None:
    """Every station uploads every `step` seconds of simulated time, in one batch per step,
    as the gateway would commit them."""
    import random

    sims = [SimStation(s.mn, s.password, s.kind, s.latitude, s.longitude,
                       tuple(s.factors.values_list("code", flat=True))) for s in stations.values()]
    rng = random.Random(19)
    for t in range(0, seconds, step):
        moment = START + timedelta(seconds=t)
        uploads = []
        for sim in sims:
            readings = []
            for code in sim.factors:
                value, _flag = world.value(sim, code, float(t), moment, rng)
                readings.append(ReadingIn(code, moment, "rtd", value, "N"))
            uploads.append(Upload(stations[sim.mn].pk, readings))
        services.ingest_batch(uploads, now=moment)


def release_world(stations: dict[str, Station]) -> World:
    world = World(flag_rate=0)
    for factor, mn in (("a21028", "CWHG-E01"), ("a24088", "CWHG-E03")):
        s = stations[mn]  # the demo's scripted releases, at its rates (g/s)
        world.releases.append(Release(s.latitude, s.longitude, factor, DEFAULT_RATE[factor],
                                      120, 900))
    return world


def test_the_scripted_release_is_one_alert_listing_its_stations_and_factors(demo):
    before = Alert.objects.filter(module="environment").count()
    duty = User.objects.get(username="duty")
    notices_before = duty.notifications.count()
    replay(demo, release_world(demo), 25 * 60)
    new = Alert.objects.filter(module="environment").order_by("pk")[before:]
    alerts = list(new)
    assert len(alerts) == 1, [a.title for a in alerts]
    incident = alerts[0]
    members = incident.data["members"]
    # Without grouping each of these was an alert of its own (36 in the run, with the
    # simulator's older plume; the Gaussian plume reaches fewer stations).
    assert len(members) >= 5
    stations = {m["station"] for m in members.values()}
    assert "CWHG-E03" in stations and len(stations) >= 3  # the source stands by E01, not on it
    assert set(incident.data["factors"]) == {"a21028", "a24088"}
    assert sorted(stations) == incident.data["stations"]
    assert incident.level == max(m["level"] for m in members.values())
    for name in {m["station_name"] for m in members.values()}:
        assert name in incident.detail or all(
            members[k]["cleared"] for k in members if members[k]["station_name"] == name)
    # Every enterprise whose fence-line monitor is inside is concerned by it.
    fence = {demo[mn].enterprise_id for mn in stations if demo[mn].enterprise_id}
    assert set(incident.concerned_enterprises.values_list("pk", flat=True)) == fence
    # The duty officer hears of it once, and again only when it escalates.
    told = duty.notifications.count() - notices_before
    assert 1 <= told <= 4
    # The alert page: every station linked, one chart per factor with the readings of each
    # station and the tier lines, and the wind.
    from django.test import Client

    client = Client()
    client.force_login(duty)
    page = client.get(f"/alerts/{incident.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for mn in stations:
        assert f'href="/environment/stations/{demo[mn].pk}/"' in html
    charts = json.loads(html.split('id="alarm-chart-data" type="application/json">')[1]
                        .split("</script>")[0])["charts"]
    assert {c["factor"] for c in charts} == {"a21028", "a24088"}
    for chart in charts:
        assert chart["limits"] and all(len(s["data"]) > 10 for s in chart["series"])
    assert 'data-testid="wind-arrow"' in html
    # Each member station lies within the radius of another one.
    points = [(m["lat"], m["lon"]) for m in members.values()]
    for p in points:
        assert any(0 < distance_m(*p, *q) <= RADIUS_M for q in points if q != p) or len(
            set(points)) == 1


def h2s(station: Station, start: datetime, value: float, minutes: int = 3) -> datetime:
    t = start
    for minute in range(minutes):
        t = start + timedelta(minutes=minute)
        services.ingest(station.pk, [ReadingIn("a21028", t, "rtd", value)], now=t)
    return t


def test_far_apart_or_hours_apart_alarms_are_separate_incidents(demo):
    fence = [s for s in demo.values() if s.kind in ("enterprise", "boundary")]
    far = max(((a, b) for a in fence for b in fence),
              key=lambda p: distance_m(p[0].latitude, p[0].longitude, p[1].latitude,
                                       p[1].longitude))
    assert distance_m(far[0].latitude, far[0].longitude, far[1].latitude,
                      far[1].longitude) > RADIUS_M
    h2s(far[0], START, 0.5)
    h2s(far[1], START, 0.5)
    assert Alert.objects.filter(data__has_key="members").count() == 2
    # Two hours later, at the first station's neighbour: a new incident (the window is 60 min).
    near = min((s for s in fence if s != far[0]), key=lambda s: distance_m(
        s.latitude, s.longitude, far[0].latitude, far[0].longitude))
    h2s(near, START + timedelta(hours=2), 0.5)
    assert Alert.objects.filter(data__has_key="members").count() == 3


def test_the_incident_clears_only_when_every_alarm_inside_has_cleared(demo):
    e01, b01 = demo["CWHG-E01"], demo["CWHG-E02"]
    h2s(e01, START, 0.5)
    h2s(b01, START, 0.5)
    incident = Alert.objects.get(data__has_key="members")
    assert len(incident.data["members"]) == 2 and "CWHG" not in incident.title
    for minute in range(3, 15):  # the first station clears, the second does not
        t = START + timedelta(minutes=minute)
        services.ingest(e01.pk, [ReadingIn("a21028", t, "rtd", 0.001)], now=t)
        services.ingest(b01.pk, [ReadingIn("a21028", t, "rtd", 0.5)], now=t)
    incident.refresh_from_db()
    assert incident.cause_cleared_at is None
    assert [m["station"] for m in incident.data["members"].values() if m["cleared"]] == [
        "CWHG-E01"]
    for minute in range(15, 30):
        t = START + timedelta(minutes=minute)
        services.ingest(b01.pk, [ReadingIn("a21028", t, "rtd", 0.001)], now=t)
    incident.refresh_from_db()
    assert incident.cause_cleared_at is not None


def test_a_station_under_maintenance_raises_no_alarm(demo):
    duty = User.objects.get(username="duty")
    e01 = demo["CWHG-E01"]
    window = services.create_maintenance(duty, station=e01, starts_at=START,
                                         ends_at=START + timedelta(hours=1),
                                         reason="更换硫化氢传感器")
    assert AuditEntry.objects.filter(action=EnvironmentAction.MAINTENANCE_CREATE,
                                     object_id=str(window.pk)).exists()
    h2s(e01, START, 0.5)
    assert not Alert.objects.filter(data__members__has_key=f"{e01.mn}:a21028:h2s-fenceline"
                                    ).exists()
    # Ended early: alarms count again from then.
    services.end_maintenance(duty, window, now=START + timedelta(minutes=5))
    assert AuditEntry.objects.filter(action=EnvironmentAction.MAINTENANCE_END).exists()
    # A new episode after the silenced one (the engine clears it, then it returns).
    t = START + timedelta(minutes=6)
    for minute in range(6, 20):
        t = START + timedelta(minutes=minute)
        services.ingest(e01.pk, [ReadingIn("a21028", t, "rtd", 0.001)], now=t)
    h2s(e01, t + timedelta(minutes=1), 0.5)
    assert Alert.objects.filter(module="environment", data__stations=[e01.mn]).exists()


def test_maintenance_windows_are_checked_and_permissioned(demo):
    e01 = demo["CWHG-E01"]
    duty = User.objects.get(username="duty")
    with pytest.raises(ValidationError) as info:
        services.create_maintenance(duty, station=e01, starts_at=START, ends_at=START,
                                    reason="")
    assert set(info.value.message_dict) == {"reason", "ends_at"}
    with pytest.raises(PermissionDenied):
        services.create_maintenance(User.objects.get(username="enterprise"), station=e01,
                                    starts_at=START, ends_at=START + timedelta(hours=1),
                                    reason="x")
    with pytest.raises(PermissionDenied):
        services.create_maintenance(User.objects.get(username="leader"), station=e01,
                                    starts_at=START, ends_at=START + timedelta(hours=1),
                                    reason="x")


def test_alarm_titles_tiers_and_sources_are_shown_in_the_readers_language(demo):
    from django.conf import settings
    from django.test import Client
    from django.utils import translation

    e01, e02 = demo["CWHG-E01"], demo["CWHG-E02"]
    h2s(e01, START, 0.5)
    alert = Alert.objects.get(data__has_key="members")
    client = Client()
    client.force_login(User.objects.get(username="duty"))
    chinese = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "硫化氢" in chinese and "报警" in chinese
    assert "GB 14554-93 表1" in chinese  # the rule's source, translated
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        _in_english(client, alert, e01, e02)
    finally:  # the test client leaves the last request's language active in this thread
        translation.activate(settings.LANGUAGE_CODE)


def _in_english(client, alert, e01, e02) -> None:
    from zoneops.environment.models import Factor

    english = client.get(f"/alerts/{alert.pk}/").content.decode()
    name_en = Factor.objects.get(code="a21028").name_en
    title = english.split("<h1>")[1].split("</h1>")[0]
    assert name_en in title and "Alarm" in title and "硫化氢" not in title and "报警" not in title
    assert "GB 14554-93 Table 1" in english
    # The notices about it too (written in Chinese, shown in English).
    notices = client.get("/notifications/?module=environment").content.decode()
    assert f"{e01.name}: {name_en} Alarm" in notices and "[Red]" in notices
    newest = notices.split('class="plain notifications"')[1].split("</li>")[0]
    assert name_en in newest and "硫化氢" not in newest  # (seeded texts stay as typed)
    # An incident's title too.
    h2s(e02, START + timedelta(minutes=3), 0.5)
    english = client.get(f"/alerts/{alert.pk}/").content.decode()
    title = english.split("<h1>")[1].split("</h1>")[0]
    assert "Air incident at" in title and "2 stations" in title and name_en in title
    status = client.get("/environment/status.json").json()
    assert any(a["title"].startswith("Air incident at") for a in status["alerts"])
