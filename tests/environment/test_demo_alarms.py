"""Issue 19 with the demo's own data: every seeded air alarm is at one of its stations (the
map agrees with the list), the wastewater alarm is not in the air watch, and the demo
enterprise contact sees its own stations and every alarm at them, assigned or not."""

from __future__ import annotations

import pytest
from django.test import Client

from zoneops.core import demo as core_demo
from zoneops.core.models import Alert, User
from zoneops.environment import demo as env_demo
from zoneops.environment.models import Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.load()
    env_demo.load()
    env_demo.load()  # idempotent


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_every_seeded_air_alarm_is_at_a_station_and_the_map_agrees(demo):
    air = Alert.objects.filter(module="environment").exclude(status="closed")
    assert air.count() >= 3
    stations = set(Station.objects.values_list("pk", flat=True))
    for alert in air:
        assert alert.data.get("station_id") in stations, alert.title
    status = client_of("duty").get("/environment/status.json").json()
    level = {s["id"]: s["level"] for s in status["stations"]}
    for alert in air.filter(cause_cleared_at__isnull=True):
        assert level[alert.data["station_id"]] >= alert.level, alert.title
    assert max(level.values()) == Alert.Level.RED
    # The wastewater alarm is the wastewater chain's: not in the air watch.
    titles = {a["title"] for a in status["alerts"]}
    water = Alert.objects.get(key="demo:wastewater:pipe-w3")
    assert water.module == "water" and water.title not in titles


def test_the_enterprise_contact_sees_its_stations_and_every_alarm_at_them(demo):
    contact = User.objects.get(username="enterprise")
    own = set(Station.objects.filter(enterprise=contact.enterprise).values_list("mn", flat=True))
    assert own
    client = client_of("enterprise")
    status = client.get("/environment/status.json").json()
    assert {s["mn"] for s in status["stations"]} == own
    at_own = Alert.objects.filter(module="environment", data__station__in=own)
    assert at_own.exists() and not at_own.filter(assignee_enterprise=contact.enterprise).exists()
    assert {a["id"] for a in status["alerts"]} >= set(
        at_own.exclude(status="closed").values_list("pk", flat=True))
    for alert in at_own:
        page = client.get(f"/alerts/{alert.pk}/")
        assert page.status_code == 200
        assert f'href="/environment/stations/{alert.data["station_id"]}/"' in page.content.decode()
    # ... and nothing at other stations.
    other = Alert.objects.get(key=core_demo.H2S_KEY)
    assert client.get(f"/alerts/{other.pk}/").status_code == 404
