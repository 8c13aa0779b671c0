"""Bad input on every form and API call: a clear message naming the field, and no change."""

import json

import pytest

from tests.conftest import make_code
from zoneops.core.models import AuditEntry, Enterprise, Unit, User


@pytest.fixture
def admin_client(world):
    return world.client("admin")


def unchanged(fn):
    """Run fn and assert no row of the registry and no audit entry was written."""
    counts = lambda: (Unit.objects.count(), Enterprise.objects.count(),  # noqa: E731
                      User.objects.count(), AuditEntry.objects.count())
    before = counts()
    result = fn()
    assert counts() == before
    return result


ENTERPRISE_FORM = {"name": "丁新材料有限公司", "credit_code": make_code(5), "industry": "新材料",
                   "address": "", "latitude": "", "longitude": "", "contact_name": "",
                   "contact_phone": "", "is_active": "on"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"credit_code": "91330499MA0000051X"}, "credit_code", "check character"),
    ({"credit_code": "123"}, "credit_code", "18 characters"),
    ({"name": ""}, "name", ""),
    ({"latitude": "30.7"}, "latitude", "both"),
    ({"latitude": "95", "longitude": "120"}, "latitude", "between"),
    ({"name": "甲化工有限公司"}, "name", ""),  # duplicate name
])
def test_enterprise_form_errors_name_the_field(admin_client, change, field, words):
    data = {**ENTERPRISE_FORM, **change}
    response = unchanged(lambda: admin_client.post("/enterprises/new/", data))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert 'class="field has-error"' in response.content.decode()


def test_unit_form_refuses_a_cycle_and_clashing_alias(world, admin_client):
    data = {"code": "A1", "name": "经济运行科", "short_name": "", "kind": "department",
            "parent": world.unit_a_child.pk, "sort_order": 0, "is_active": "on", "aliases": ""}
    response = unchanged(lambda: admin_client.post(f"/units/{world.unit_a.pk}/edit/",
                                                   {**data, "code": "A", "name": "经济发展局"}))
    assert "parent" in response.context["form"].errors
    response = unchanged(lambda: admin_client.post(
        f"/units/{world.unit_b.pk}/edit/", {**data, "code": "B", "name": "建设局", "parent": "",
                                            "aliases": "经发局"}))
    assert "aliases" in response.context["form"].errors


def test_unit_form_saves_good_input(world, admin_client):
    response = admin_client.post("/units/new/", {
        "code": "C", "name": "财政局", "short_name": "财政", "kind": "department", "parent": "",
        "sort_order": 3, "is_active": "on", "aliases": "财政分局，财政办"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="C")
    assert sorted(unit.aliases.values_list("alias", flat=True)) == ["财政分局", "财政办"]


def test_user_form_requires_unit_for_unit_staff(admin_client):
    response = unchanged(lambda: admin_client.post("/people/new/", {
        "username": "li", "full_name": "李", "role": "unit_staff", "password": "Long-enough-9!",
        "is_active": "on"}))
    assert "unit" in response.context["form"].errors


def test_user_form_rejects_weak_password(world, admin_client):
    response = unchanged(lambda: admin_client.post("/people/new/", {
        "username": "li", "full_name": "李", "role": "leader", "password": "123",
        "is_active": "on"}))
    assert "password" in response.context["form"].errors


def api_post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize(("payload", "field"), [
    ({"credit_code": "bad", "name": "x"}, "credit_code"),
    ({"credit_code": make_code(6), "name": "x", "block": "NOPE"}, "block"),
    ({"credit_code": make_code(6), "name": "x", "unit_id": 99999}, "unit_id"),
    ({"credit_code": make_code(6)}, "name"),
    ({"credit_code": make_code(6), "name": "x", "latitude": "north"}, "latitude"),
])
def test_api_enterprise_errors_name_the_field(admin_client, payload, field):
    response = unchanged(lambda: api_post(admin_client, "/api/core/enterprises", payload))
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_api_unit_errors(world, admin_client):
    response = unchanged(lambda: api_post(admin_client, "/api/core/units",
                                          {"code": "A", "name": "重复编码"}))
    assert response.status_code == 422 and "code" in response.json()["errors"]
    response = unchanged(lambda: api_post(admin_client, "/api/core/units",
                                          {"code": "Z9", "name": "x", "kind": "planet"}))
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    response = unchanged(lambda: admin_client.post("/api/core/units", data="{not json",
                                                   content_type="application/json"))
    assert response.status_code in (400, 422)


def test_api_alert_errors(world):
    client = world.client("duty")
    url = f"/api/core/alerts/{world.alert_a.pk}"
    response = api_post(client, f"{url}/assign", {"unit_id": 424242})
    assert response.status_code == 422 and "unit_id" in response.json()["errors"]
    response = api_post(client, f"{url}/assign", {})
    assert response.status_code == 422 and "assignee" in response.json()["errors"]
    response = api_post(client, f"{url}/close", {})
    assert response.status_code == 422 and "status" in response.json()["errors"]
    assert client.get("/api/core/alerts?box=everything").status_code == 422


def test_html_alert_errors_are_shown_not_swallowed(world):
    client = world.client("duty")
    response = client.post(f"/alerts/{world.alert_a.pk}/assign/", {}, follow=True)
    body = response.content.decode()
    assert "msg-error" in body
    response = client.post(f"/alerts/{world.alert_a.pk}/close/", {}, follow=True)
    assert "msg-error" in response.content.decode()
