"""Permission matrix of every tracing page and endpoint (allowed, denied, scoped), the alert
page's suspects and the enterprise page's release points, and the staff writes."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from tests.core.test_scope import assert_agrees
from tests.matrix import DENIED, EVERYONE, READ_ALL, SCOPED, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.tracing import permissions as perm
from zoneops.tracing import runner, services
from zoneops.tracing.models import OdourReport, ReleasePoint, Suspect

from .conftest import ANCHOR

DISPATCH = {"admin", "office", "duty"}


@pytest.fixture
def traced(park):
    plume = park.write_readings()
    alert = park.alarm(park.stations[int(np.argmax(plume))])
    runner.run(services.ensure_trace(alert), now=ANCHOR + timedelta(minutes=31))
    report = services.submit_odour(latitude=30.7, longitude=120.9, observed_at=ANCHOR,
                                   intensity=2, smell="solvent", address="10.1.1.1",
                                   now=ANCHOR)
    names = {"alert": alert.pk, "p1": park.points[0].pk, "p2": park.points[1].pk,
             "suspect": Suspect.objects.filter(trace__alert=alert).first().pk,
             "report": report.pk, "enterprise_a": park.world.enterprise_a.pk}
    return park, alert, (lambda url: url.format(**names))


ROWS = [
    Row("/tracing/points/", EVERYONE),
    Row("/tracing/points/new/{enterprise_a}/", {"admin", "office", "enterprise_a"},
        {"leader": DENIED, "duty": DENIED, "staff_a": DENIED}),
    Row("/tracing/points/{p1}/edit/", {"admin", "office", "enterprise_a"},
        {"leader": DENIED, "duty": DENIED, "staff_a": DENIED}),
    Row("/tracing/points/{p2}/edit/", {"admin", "office"},
        {"leader": DENIED, "duty": DENIED, "staff_b": DENIED}),
    Row("/tracing/points/{p1}/edit/", {"admin", "office", "enterprise_a"},
        {"leader": DENIED, "duty": DENIED, "staff_a": DENIED}, method="POST",
        data={"code": "P1", "name": "排气筒1", "kind": "stack", "latitude": "30.7",
              "longitude": "120.9", "height_m": "10", "substances": "a21028",
              "is_active": "on"}, ok=302),
    Row("/tracing/alerts/{alert}/trace/", DISPATCH,
        {"leader": DENIED, "staff_a": DENIED}, method="POST", ok=302),
    Row("/tracing/suspects/{suspect}/decide/", DISPATCH, {"leader": DENIED, "staff_a": DENIED},
        method="POST", data={"decision": "rejected"}, ok=None),
    Row("/tracing/live.json", EVERYONE),
    Row("/tracing/odour/", READ_ALL, DENIED),
    Row("/tracing/odour/{report}/", READ_ALL, DENIED),
    Row("/tracing/odour/{report}/", DISPATCH, DENIED, method="POST",
        data={"status": "reviewed", "outcome": "已核查"}, ok=None),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_matrix(traced, row):
    park, _alert, fill = traced
    Matrix(WORLD_ROLES, park.world.client, anonymous=302, fill=fill).check(row)


def test_point_scope_agrees(traced):
    park, _alert, _fill = traced
    assert_agrees(perm.POINTS, list(park.world.users.values()), list(ReleasePoint.objects.all()))


@pytest.mark.parametrize("who", ["admin", "office", "duty"])
def test_dispatcher_confirms_a_suspect_on_the_alert_page(traced, who):
    park, alert, fill = traced
    client = park.world.client(who)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="suspect-table"' in page and 'data-testid="confirm-1"' in page
    assert 'id="trace-map"' in page
    first = Suspect.objects.get(trace__alert=alert, rank=1)
    response = client.post(f"/tracing/suspects/{first.pk}/decide/", {"decision": "confirmed"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.decision == "confirmed" and first.decided_by == park.world.users[who]
    assert AuditEntry.objects.filter(action="tracing.confirm").exists()


def test_suspects_are_shown_only_to_internal_viewers(traced):
    park, alert, _fill = traced
    assert 'data-testid="suspect-table"' in park.world.client("leader").get(
        f"/alerts/{alert.pk}/").content.decode()
    leader_page = park.world.client("leader").get(f"/alerts/{alert.pk}/").content.decode()
    assert 'data-testid="confirm-1"' not in leader_page  # reads, does not decide
    # An enterprise contact assigned the alert sees the alert, never the suspects.
    alert.assignee_enterprise = park.world.enterprise_a
    alert.save(update_fields=["assignee_enterprise"])
    page = park.world.client("enterprise_a").get(f"/alerts/{alert.pk}/")
    assert page.status_code == 200
    assert 'data-testid="suspects"' not in page.content.decode()
    live = park.world.client("enterprise_a").get("/tracing/live.json").json()
    assert live["traces"] == []
    assert len(park.world.client("duty").get("/tracing/live.json").json()["traces"]) == 1


def test_enterprise_page_lists_and_adds_release_points(traced):
    park, _alert, _fill = traced
    client = park.world.client("enterprise_a")
    e = park.world.enterprise_a
    page = client.get(f"/enterprises/{e.pk}/").content.decode()
    assert 'data-testid="release-points"' in page and "排气筒1" in page
    response = client.post(f"/tracing/points/new/{e.pk}/", {
        "code": "TV9", "name": "储罐呼吸口9", "kind": "tank_vent", "latitude": "30.71",
        "longitude": "120.91", "height_m": "8", "substances": "a24088、a21028",
        "is_active": "on"})
    assert response.status_code == 302
    point = ReleasePoint.objects.get(code="TV9")
    assert point.substances == ["a24088", "a21028"]
    assert AuditEntry.objects.filter(action="tracing.point create",
                                     object_id=str(point.pk)).exists()
    # Unknown substance and duplicate code: errors on their fields, nothing written.
    response = client.post(f"/tracing/points/new/{e.pk}/", {
        "code": "TV9", "name": "x", "kind": "tank_vent", "latitude": "30.71",
        "longitude": "120.91", "height_m": "8", "substances": "zz999"})
    assert response.status_code == 200 and "zz999" in response.content.decode()
    assert ReleasePoint.objects.filter(code="TV9").count() == 1


def test_odour_queue_and_review(traced):
    park, _alert, _fill = traced
    report = OdourReport.objects.get()
    client = park.world.client("duty")
    assert report.code in client.get("/tracing/odour/").content.decode()
    response = client.post(f"/tracing/odour/{report.pk}/", {"status": "reviewed",
                                                           "outcome": "已到现场核查"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "reviewed" and report.reviewed_by == park.world.users["duty"]
    assert report.code not in client.get("/tracing/odour/").content.decode()  # left the queue
    # Empty outcome: an error on the field.
    other = services.submit_odour(latitude=30.7, longitude=120.9, observed_at=ANCHOR,
                                  intensity=2, smell="solvent", address="10.1.1.2",
                                  now=ANCHOR)
    response = client.post(f"/tracing/odour/{other.pk}/", {"status": "reviewed",
                                                          "outcome": " "})
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.status == "new"


def test_dashboard_shows_the_hit_rate(traced):
    park, alert, _fill = traced
    first = Suspect.objects.get(trace__alert=alert, rank=1)
    services.decide(park.world.users["duty"], first, decision="confirmed")
    page = park.world.client("leader").get("/").content.decode()
    assert 'data-testid="tracing-panel"' in page and "100%" in page
    assert 'data-testid="tracing-panel"' not in park.world.client("staff_a").get(
        "/").content.decode()


def test_scoped_status_for_unknown_objects(traced):
    park, _alert, _fill = traced
    client = park.world.client("admin")
    assert client.get("/tracing/points/999999/edit/").status_code == SCOPED
    assert client.post("/tracing/suspects/999999/decide/", {"decision": "x"}).status_code == 404


API = [
    Row("/api/tracing/points", EVERYONE),
    Row("/api/tracing/alerts/{alert}", READ_ALL | {"staff_a"}, {"enterprise_a": SCOPED}),
]


@pytest.mark.parametrize("row", API, ids=ids(API))
def test_api_matrix(traced, row):
    park, _alert, fill = traced
    Matrix(WORLD_ROLES, park.world.client, anonymous=401, fill=fill).check(row)


def test_api_gives_the_ranked_suspects_with_their_rate(traced):
    park, alert, _fill = traced
    body = park.world.client("duty").get(f"/api/tracing/alerts/{alert.pk}").json()
    assert body["state"] == "done"
    first = body["suspects"][0]
    assert first["rank"] == 1 and first["release_point_id"] == park.truth.pk
    assert first["rate_g_s"]["p05"] < first["rate_g_s"]["median"] < first["rate_g_s"]["p95"]
    assert body["result"]["region"]["radius_90_m"] > 0
    points = park.world.client("enterprise_a").get("/api/tracing/points").json()
    assert {p["enterprise_id"] for p in points} == {park.world.enterprise_a.pk}
