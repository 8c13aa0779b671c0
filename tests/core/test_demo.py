"""The demo loader: the zone it builds, its idempotence and determinism, and its audit trail."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from zoneops.core import credit_code, demo
from zoneops.core.models import (
    Alert,
    AuditEntry,
    Enterprise,
    NotificationChannel,
    Place,
    Role,
    Unit,
    UnitAlias,
    User,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Argon2 costs ~0.2 s a hash; the loader sets 30 passwords per run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ring(place: Place) -> list[list[float]]:
    assert place.geometry["type"] == "Polygon"
    return place.geometry["coordinates"][0]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in
            (Place, Unit, UnitAlias, Enterprise, User, Alert, NotificationChannel)}


def _state() -> dict[str, list]:
    """Everything the demo writes, without primary keys and wall-clock times."""
    return {
        "places": list(Place.objects.order_by("code").values_list(
            "code", "name", "kind", "parent__code", "geometry", "description")),
        "units": list(Unit.objects.order_by("code").values_list(
            "code", "name", "short_name", "kind", "parent__code", "leader__username",
            "sort_order")),
        "aliases": list(UnitAlias.objects.order_by("alias").values_list("alias", "unit__code")),
        "enterprises": list(Enterprise.objects.order_by("credit_code").values_list(
            "credit_code", "name", "industry", "block__code", "unit__code", "in_chemical_park",
            "address", "latitude", "longitude", "contact_name", "contact_phone")),
        "users": list(User.objects.order_by("username").values_list(
            "username", "full_name", "role", "unit__code", "enterprise__credit_code", "phone",
            "is_superuser")),
        "alerts": list(Alert.objects.order_by("module", "key").values_list(
            "module", "key", "level", "status", "title", "unit__code",
            "assignee_unit__code", "assignee_enterprise__credit_code")),
    }


def test_geography():
    demo.load()
    zone = Place.objects.get(kind=Place.Kind.ZONE)
    areas = list(Place.objects.filter(kind=Place.Kind.AREA))
    blocks = list(Place.objects.filter(kind=Place.Kind.BLOCK))
    assert Place.objects.filter(kind=Place.Kind.ZONE).count() == 1
    assert len(areas) == 4 and len(blocks) == 12
    assert all(area.parent_id == zone.pk for area in areas)
    assert 100 <= demo.ring_area_km2(_ring(zone)[:-1]) <= 120
    # The areas tile the zone.
    total = sum(demo.ring_area_km2(_ring(area)[:-1]) for area in areas)
    assert total == pytest.approx(demo.ring_area_km2(_ring(zone)[:-1]), rel=1e-4)
    for block in blocks:
        ring = _ring(block)
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert block.parent.kind == Place.Kind.AREA
        assert all(demo.point_in_ring(lon, lat, _ring(block.parent)) for lon, lat in ring)
        # About 1,000 mu (666,667 m²) each.
        assert 0.55 <= demo.ring_area_km2(ring[:-1]) <= 0.85
    for area in areas:
        assert Place.objects.filter(parent=area, kind=Place.Kind.BLOCK).count() == 3
    for lon, lat in _ring(zone):
        assert 120.8 < lon < 121.0 and 30.6 < lat < 30.8


def test_units_and_enterprises():
    demo.load()
    assert 25 <= Unit.objects.count() <= 40
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert kinds == {Unit.Kind.DEPARTMENT, Unit.Kind.SUBDISTRICT, Unit.Kind.SOE, Unit.Kind.OTHER}
    assert Unit.objects.get(name="督查室").parent.name == "党政办公室"
    assert UnitAlias.objects.get(alias="经发局").unit.name == "经济发展局"
    assert UnitAlias.objects.get(alias="环保分局").unit.name == "生态环境分局"
    assert Unit.objects.filter(leader__username="leader").count() >= 3

    enterprises = list(Enterprise.objects.select_related("block", "unit"))
    assert 140 <= len(enterprises) <= 170
    chemical = [e for e in enterprises if e.in_chemical_park]
    assert 25 <= len(chemical) <= 35
    park = Unit.objects.get(name="化工园区管理办公室")
    for e in enterprises:
        assert credit_code.validate(e.credit_code) == e.credit_code
        assert e.block is not None and e.unit is not None and e.address and e.contact_name
        ring = _ring(e.block)
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        lon, lat = float(e.longitude), float(e.latitude)
        assert min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats), e.name
        assert demo.point_in_ring(lon, lat, ring), e.name
        in_park_area = e.block.parent.code == demo.CHEMICAL_AREA
        assert e.in_chemical_park == in_park_area
        if e.in_chemical_park:
            assert e.unit == park
        else:
            assert e.unit.kind == Unit.Kind.SUBDISTRICT


def test_logins_cover_every_role_and_authenticate():
    logins = demo.load()
    assert {login["role"] for login in logins} >= set(Role.values)
    usernames = [login["username"] for login in logins]
    assert len(usernames) == len(set(usernames))
    for name in ("admin", "office", "leader", "unit", "unit2", "duty", "enterprise"):
        assert name in usernames
    for login in logins:
        assert set(login) == {"username", "password", "role", "full_name", "unit_or_enterprise"}
        assert login["password"] == demo.DEMO_PASSWORD
        user = authenticate(username=login["username"], password=login["password"])
        assert user is not None, login["username"]
        assert user.role == login["role"] and login["full_name"]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == Role.ADMIN
    contact = User.objects.get(username="enterprise")
    assert contact.enterprise.in_chemical_park
    assert User.objects.get(username="unit").unit.name == "经济发展局"
    assert User.objects.get(username="unit2").unit != User.objects.get(username="unit").unit


def test_alerts_and_channels():
    demo.load()
    statuses = set(Alert.objects.values_list("status", flat=True))
    # (raised and assigned ones: the environment demo's air alarms, tests/environment)
    assert {Alert.Status.ACKNOWLEDGED, Alert.Status.HANDLED, Alert.Status.CLOSED} <= statuses
    # The air alarms are the environment demo's, at its stations (tests/environment); the
    # wastewater one is the wastewater chain's.
    assert Alert.objects.get(key="demo:wastewater:pipe-w3").module == "water"
    assert Alert.objects.filter(module="supervision", level=Alert.Level.YELLOW).exists()
    closed = Alert.objects.get(status=Alert.Status.CLOSED)
    assert closed.feedback and closed.assignee_enterprise is not None
    channels = NotificationChannel.objects.all()
    assert channels.count() >= 2 and not channels.filter(enabled=True).exists()


def test_writes_are_audited():
    demo.load()
    admin = User.objects.get(username="admin")
    enterprise_type = ContentType.objects.get_for_model(Enterprise)
    created = set(AuditEntry.objects.filter(
        content_type=enterprise_type, action="create", actor=admin,
    ).values_list("object_id", flat=True))
    assert created == {str(pk) for pk in Enterprise.objects.values_list("pk", flat=True)}
    for model in (Place, Unit, User, NotificationChannel):
        content_type = ContentType.objects.get_for_model(model)
        assert AuditEntry.objects.filter(content_type=content_type, action="create").count() \
            == model.objects.count()
    alert_type = ContentType.objects.get_for_model(Alert)
    actions = set(AuditEntry.objects.filter(content_type=alert_type)
                  .values_list("action", flat=True))
    assert {"raise", "acknowledge", "assign", "handle", "close"} <= actions


class _Rollback(Exception):
    pass


def test_deterministic_and_idempotent():
    # A first load, seen and then rolled back, so the next one starts from an empty zone again.
    with pytest.raises(_Rollback), transaction.atomic():
        demo.load()
        first = _state()
        raise _Rollback
    assert Enterprise.objects.count() == 0

    logins = demo.load()
    assert _state() == first
    counts, audit = _counts(), AuditEntry.objects.count()

    assert demo.load() == logins
    assert _counts() == counts
    assert _state() == first
    assert AuditEntry.objects.count() == audit


def test_demo_stops_its_gateway_and_simulator_when_terminated(monkeypatch):
    """`make demo` stopped with SIGTERM: uvicorn shuts down, then re-raises the signal; the
    demo must still stop the children it started (it once left them running; without the
    fix this signal kills the test process itself)."""
    from django.core import management

    from zoneops.core.management.commands import demo as command

    children: list[subprocess.Popen] = []

    def live_feed(stdout) -> list[subprocess.Popen]:
        children.extend(subprocess.Popen(["sleep", "60"]) for _ in range(2))
        return children

    def call(name, *args, **kwargs):
        if name == "serve":  # what uvicorn does once it has shut down on SIGTERM
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the signal arrives long before this ends
            return None
        return management.call_command(name, *args, **kwargs)

    monkeypatch.setattr(command, "_start_live_feed", live_feed)
    monkeypatch.setattr(command, "call_command", call)
    # The zone itself is tested above; here only the stopping matters.
    monkeypatch.setattr(demo, "load", lambda stdout: [
        {"username": "duty", "password": "pw", "role": Role.DUTY_OFFICER,
         "full_name": "值班员", "unit_or_enterprise": "生态环境局"}])
    management.get_commands()  # (cached) found before the app list is emptied below
    monkeypatch.setattr(command.apps, "get_app_configs", lambda: [])
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        management.call_command("demo", port=0)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert [child.poll() for child in children] == [-signal.SIGTERM, -signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) == before


def test_the_documented_variables_move_the_demo_ports(monkeypatch):
    """README "Ports": PORT and HOST move the web server of `zoneops demo` as they do for
    `make demo`, and GATEWAY_PORT the gateway the loggers are started against."""
    from django.core import management

    from zoneops.core.management.commands import demo as command

    served, fed = {}, {}

    def call(name, *args, **kwargs):
        if name == "serve":
            served.update(kwargs)
            return None
        return management.call_command(name, *args, **kwargs)

    monkeypatch.setenv("PORT", "8371")
    monkeypatch.setenv("HOST", "127.0.0.2")
    monkeypatch.setenv("GATEWAY_PORT", "8372")
    monkeypatch.setattr(command, "call_command", call)
    monkeypatch.setattr(command, "_start_live_feed",
                        lambda stdout: fed.update(port=os.environ["GATEWAY_PORT"]) or [])
    monkeypatch.setattr(demo, "load", lambda stdout: [
        {"username": "duty", "password": "pw", "role": Role.DUTY_OFFICER,
         "full_name": "值班员", "unit_or_enterprise": "生态环境局"}])
    management.get_commands()
    monkeypatch.setattr(command.apps, "get_app_configs", lambda: [])
    out = StringIO()
    management.call_command("demo", stdout=out)
    assert served == {"host": "127.0.0.2", "port": 8371}
    assert "http://127.0.0.2:8371/" in out.getvalue() and fed == {"port": "8372"}
    # The password is printed beside every login it belongs to.
    assert "duty  pw" in out.getvalue()
