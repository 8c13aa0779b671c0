"""Every page and endpoint, for every role: allowed, denied, and scoped to the unit."""

from __future__ import annotations

import json

import pytest

ROLES = ["admin", "office", "leader", "staff_a", "staff_b", "duty", "enterprise_a", None]
INTERNAL = {"admin", "office", "leader", "staff_a", "staff_b", "duty"}
READ_ALL = {"admin", "office", "leader", "duty"}
EVERYONE = set(ROLES) - {None}


def expected(allowed: set, denied_status: int = 403):
    return {role: (200 if role in allowed else (302 if role is None else denied_status))
            for role in ROLES}


# (url template, who gets 200, status for the others who are logged in)
PAGES = [
    ("/", EVERYONE, 403),
    ("/map/", INTERNAL, 403),
    ("/map/places.geojson", INTERNAL, 403),
    ("/units/", INTERNAL, 403),
    ("/units/{unit_a}/", INTERNAL, 404),
    ("/units/new/", {"admin"}, 403),
    ("/units/{unit_a}/edit/", {"admin"}, 403),
    ("/enterprises/", EVERYONE, 403),
    ("/enterprises/{enterprise_a}/", READ_ALL | {"staff_a", "enterprise_a"}, 404),
    ("/enterprises/{enterprise_b}/", READ_ALL | {"staff_b"}, 404),
    ("/enterprises/new/", {"admin"}, 403),
    ("/enterprises/{enterprise_a}/edit/", {"admin"}, 403),
    ("/people/", {"admin"}, 403),
    ("/people/new/", {"admin"}, 403),
    ("/audit/", {"admin"}, 403),
    ("/alerts/", EVERYONE, 403),
    ("/alerts/{alert_a}/", READ_ALL | {"staff_a"}, 404),
    ("/alerts/{alert_b}/", READ_ALL | {"staff_b"}, 404),
    ("/notifications/", EVERYONE, 403),
    ("/account/tokens/", EVERYONE, 403),
]


def _fill(url: str, world) -> str:
    return url.format(unit_a=world.unit_a.pk, enterprise_a=world.enterprise_a.pk,
                      enterprise_b=world.enterprise_b.pk, alert_a=world.alert_a.pk,
                      alert_b=world.alert_b.pk)


@pytest.mark.parametrize(("url", "allowed", "denied"), PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(world, url, allowed, denied):
    for role, status in expected(allowed, denied).items():
        response = world.client(role).get(_fill(url, world))
        assert response.status_code == status, f"{role} GET {url}"
        if role is None:
            assert response["Location"].startswith("/login/")


API_READS = [
    ("/api/core/me", EVERYONE, 401),
    ("/api/core/units", INTERNAL, 403),
    ("/api/core/units/{unit_a}", INTERNAL, 404),
    ("/api/core/enterprises", EVERYONE, 403),
    ("/api/core/enterprises/{enterprise_a}", READ_ALL | {"staff_a", "enterprise_a"}, 404),
    ("/api/core/enterprises/{enterprise_b}", READ_ALL | {"staff_b"}, 404),
    ("/api/core/places", INTERNAL, 403),
    ("/api/core/alerts", EVERYONE, 403),
    ("/api/core/alerts/{alert_a}", READ_ALL | {"staff_a"}, 404),
    ("/api/core/alerts/{alert_b}/history", READ_ALL | {"staff_b"}, 404),
    ("/api/core/notifications", EVERYONE, 403),
]


@pytest.mark.parametrize(("url", "allowed", "denied"), API_READS, ids=[p[0] for p in API_READS])
def test_api_read_matrix(world, url, allowed, denied):
    for role in ROLES:
        response = world.client(role).get(_fill(url, world))
        want = 200 if role in allowed else (401 if role is None else denied)
        assert response.status_code == want, f"{role} GET {url}: {response.content[:200]}"


def test_enterprise_list_is_scoped(world):
    names = lambda role: {e["name"] for e in world.client(role).get(  # noqa: E731
        "/api/core/enterprises").json()}
    assert names("office") == {"甲化工有限公司", "乙建材有限公司"}
    assert names("staff_a") == {"甲化工有限公司"}
    assert names("staff_b") == {"乙建材有限公司"}
    assert names("enterprise_a") == {"甲化工有限公司"}
    page = world.client("staff_a").get("/enterprises/").content.decode()
    assert "甲化工有限公司" in page and "乙建材有限公司" not in page


def test_alert_list_is_scoped(world):
    titles = lambda role: {a["title"] for a in world.client(role).get(  # noqa: E731
        "/api/core/alerts?box=all").json()}
    assert titles("duty") == {"甲单位告警", "乙单位告警"}
    assert titles("staff_a") == {"甲单位告警"}
    assert titles("staff_b") == {"乙单位告警"}
    assert titles("enterprise_a") == set()  # not assigned to the enterprise yet
    page = world.client("staff_b").get("/alerts/?box=open").content.decode()
    assert "乙单位告警" in page and "甲单位告警" not in page


def test_staff_of_a_parent_unit_see_the_child_units_work(world):
    from zoneops.core.services.alerts import raise_alert

    child_alert = raise_alert(module="test", key="child", level=1, title="子单位告警",
                              unit=world.unit_a_child)
    assert world.client("staff_a").get(f"/alerts/{child_alert.pk}/").status_code == 200
    assert world.client("staff_a1").get(f"/alerts/{world.alert_a.pk}/").status_code == 404


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_api_unit_writes(world):
    payload = {"code": "C", "name": "财政局", "aliases": ["财政"]}
    for role in ROLES:
        response = _post(world.client(role), "/api/core/units", payload)
        want = {"admin": 201, None: 401}.get(role, 403)
        assert response.status_code == want, role
    patch = world.client("staff_a").patch(f"/api/core/units/{world.unit_a.pk}",
                                          data='{"name": "x"}', content_type="application/json")
    assert patch.status_code == 403
    ok = world.client("admin").patch(f"/api/core/units/{world.unit_a.pk}",
                                     data='{"short_name": "经发"}',
                                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["short_name"] == "经发"


def test_api_enterprise_writes(world):
    from tests.conftest import make_code

    payload = {"credit_code": make_code(9), "name": "丙科技有限公司", "block": "B01"}
    for role in ROLES:
        response = _post(world.client(role), "/api/core/enterprises", payload)
        want = {"admin": 201, None: 401}.get(role, 403)
        assert response.status_code == want, role
    denied = world.client("enterprise_a").patch(
        f"/api/core/enterprises/{world.enterprise_a.pk}", data='{"address": "x"}',
        content_type="application/json")
    assert denied.status_code == 403


def test_api_alert_transitions_matrix(world):
    url = f"/api/core/alerts/{world.alert_a.pk}"
    # Staff of another unit cannot even see it.
    assert _post(world.client("staff_b"), f"{url}/acknowledge", {}).status_code == 404
    # A leader reads but does not dispatch.
    assert _post(world.client("leader"), f"{url}/assign",
                 {"unit_id": world.unit_a.pk}).status_code == 403
    # Staff of the unit may acknowledge but not assign.
    assert _post(world.client("staff_a"), f"{url}/acknowledge", {}).status_code == 200
    assert _post(world.client("staff_a"), f"{url}/assign",
                 {"unit_id": world.unit_a.pk}).status_code == 403
    assert _post(world.client("duty"), f"{url}/assign",
                 {"enterprise_id": world.enterprise_a.pk}).status_code == 200
    # Now the enterprise sees it and may handle it; the unit staff may not handle it.
    assert world.client("enterprise_a").get(url).status_code == 200
    assert _post(world.client("staff_b"), f"{url}/handle", {"feedback": "x"}).status_code == 404
    assert _post(world.client("office"), f"{url}/handle", {"feedback": "x"}).status_code == 403
    handled = _post(world.client("enterprise_a"), f"{url}/handle", {"feedback": "已关停阀门"})
    assert handled.status_code == 200 and handled.json()["status"] == "handled"
    # The handler cannot verify their own work.
    assert _post(world.client("enterprise_a"), f"{url}/close", {}).status_code == 403
    closed = _post(world.client("duty"), f"{url}/close", {"note": "现场复核"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert _post(world.client(None), f"{url}/reopen", {"reason": "x"}).status_code == 401


def test_html_alert_action_respects_permissions(world):
    from zoneops.core.models import Alert

    response = world.client("leader").post(f"/alerts/{world.alert_a.pk}/acknowledge/")
    assert response.status_code == 403
    response = world.client("staff_b").post(f"/alerts/{world.alert_a.pk}/acknowledge/")
    assert response.status_code == 404
    assert Alert.objects.get(pk=world.alert_a.pk).status == "raised"
    response = world.client("staff_a").post(f"/alerts/{world.alert_a.pk}/acknowledge/")
    assert response.status_code == 302
    assert Alert.objects.get(pk=world.alert_a.pk).status == "acknowledged"


@pytest.mark.parametrize(("url", "anonymous"), [("/api/docs", 302), ("/api/openapi.json", 302),
                                                 ("/healthz", 200), ("/jsi18n/", 302)])
def test_public_and_docs_pages(world, url, anonymous):
    assert world.client(None).get(url).status_code == anonymous
    for role in EVERYONE:
        assert world.client(role).get(url).status_code == 200, role


FORM_WRITES = [
    ("/units/new/", {"code": "X1", "name": "新单位", "kind": "department", "sort_order": 0}),
    ("/enterprises/new/", {"name": "新企业", "credit_code": "91330499MA0000099X"}),
    ("/people/new/", {"username": "new", "role": "leader", "password": "Long-enough-9!"}),
]


@pytest.mark.parametrize(("url", "data"), FORM_WRITES, ids=[w[0] for w in FORM_WRITES])
def test_registry_form_posts_are_refused_to_everyone_but_the_administrator(world, url, data):
    from zoneops.core.models import AuditEntry

    # Sign-ins and refusals are audited themselves (issue 17); no change may be.
    changes = AuditEntry.objects.exclude(action__in=["login", "denied"])
    before = changes.count()
    for role in EVERYONE - {"admin"}:
        assert world.client(role).post(url, data).status_code == 403, role
    assert world.client(None).post(url, data).status_code == 302
    assert changes.count() == before


def test_notifications_are_private_to_their_recipient(world):
    from zoneops.core.models import Notification

    mine = Notification.objects.filter(recipient=world.users["staff_a"])
    assert mine.exists()
    ids = {n["id"] for n in world.client("staff_b").get("/api/core/notifications").json()}
    assert not ids & set(mine.values_list("pk", flat=True))
    world.client("staff_b").post("/notifications/")
    world.client("staff_b").post("/api/core/notifications/read")
    assert mine.filter(read_at__isnull=True).exists()
    assert _post(world.client("staff_a"), "/api/core/notifications/read", {}).json()["marked"]
    assert not mine.filter(read_at__isnull=True).exists()


def test_tokens_are_private_to_their_owner(world):
    from zoneops.core.models import ApiToken
    from zoneops.core.services.people import create_api_token

    token, _raw = create_api_token(world.users["staff_a"], world.users["staff_a"], "mine")
    world.client("staff_b").post("/account/tokens/", {"revoke": token.pk})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert "mine" not in world.client("staff_b").get("/account/tokens/").content.decode()
    response = world.client("staff_a").post("/account/tokens/", {"name": "  "})
    assert "name" in response.context["form"].errors
