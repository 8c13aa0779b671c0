"""The holdings page's permission matrix: internal roles see every account, an enterprise
contact only its own, an anonymous visitor is sent to log in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zoneops.rights import services

from .conftest import START


@pytest.fixture
def held(world):
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="COD", quantity="100", basis="测试总量")
    for enterprise, quantity in ((world.enterprise_a, "12.5"), (world.enterprise_b, "7")):
        services.verify_initial(actor=office, enterprise=enterprise, pollutant="COD",
                                quantity=quantity, legal_basis="排污许可证", valid_from=START)
    return world


def page(world, who, on="2026-06-01"):
    return world.client(who).get(reverse("rights-holdings"), {"on": on})


@pytest.mark.parametrize("who", ["admin", "office", "leader", "duty", "staff_a"])
def test_internal_roles_see_every_account(held, who):
    response = page(held, who)
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲化工有限公司" in body and "乙建材有限公司" in body
    assert "12.5000" in body and "7.0000" in body


def test_enterprise_sees_only_its_own(held):
    response = page(held, "enterprise_a")
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲化工有限公司" in body and "12.5000" in body
    assert "乙建材有限公司" not in body and "7.0000" not in body
    assert "园区储备" not in body


def test_balance_follows_the_date(held):
    body = page(held, "enterprise_a", on="2025-12-31").content.decode()
    assert "12.5000" not in body and "0.0000" in body


def test_anonymous_is_sent_to_login(held):
    response = page(held, None)
    assert response.status_code == 302 and "login" in response["Location"]


def test_bad_date_is_refused(held):
    response = page(held, "office", on="2026-13-01")
    assert response.status_code == 400 and b"on:" in response.content
