"""Changing one's own password, and an administrator asking for a change at next login: the
whole flow over HTTP with Django's test client (no browser)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import PASSWORD
from zoneops.core.models import AuditEntry, User
from zoneops.core.selectors import history_of
from zoneops.core.services.people import change_own_password

NEW = "Another-pass-2027!"


def _change(client: Client, old: str, new1: str, new2: str | None = None, next_url: str = ""):
    url = "/account/password/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"old_password": old, "new_password1": new1,
                             "new_password2": new1 if new2 is None else new2})


def test_a_forced_change_is_asked_for_at_login_and_done_through_the_page(world):
    staff = world.users["staff_a"]
    # The administrator asks for it on the person's page (audited like any change).
    edit = world.client("admin").post(f"/people/{staff.pk}/edit/", {
        "username": "staff_a", "role": "unit_staff", "unit": world.unit_a.pk, "is_active": "on",
        "must_change_password": "on"})
    assert edit.status_code == 302
    staff.refresh_from_db()
    assert staff.must_change_password
    asked = history_of(staff).filter(actor=world.users["admin"]).latest("at")
    assert asked.before["must_change_password"] is False
    assert asked.after["must_change_password"] is True

    client = Client()
    landed = client.post("/login/", {"username": "staff_a", "password": PASSWORD}, follow=True)
    assert landed.redirect_chain[-1][0] == "/account/password/?next=/"
    assert 'data-testid="password-forced"' in landed.content.decode()
    # Every other page and the API wait for the change; logging out does not.
    assert client.get("/alerts/")["Location"] == "/account/password/?next=/alerts/"
    assert client.get("/api/core/me").status_code == 403

    wrong = _change(client, "not-my-password", NEW)
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    weak = _change(client, PASSWORD, "12345678")
    assert weak.status_code == 200 and "new_password1" in weak.context["form"].errors
    differ = _change(client, PASSWORD, NEW, NEW + "x")
    assert "new_password2" in differ.context["form"].errors
    same = _change(client, PASSWORD, PASSWORD)
    assert "new_password1" in same.context["form"].errors
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD) and staff.must_change_password

    done = _change(client, PASSWORD, NEW, next_url="/alerts/")
    assert done["Location"] == "/alerts/"
    assert client.get("/alerts/").status_code == 200  # still signed in, free to go on
    staff.refresh_from_db()
    assert staff.check_password(NEW) and not staff.must_change_password
    entry = history_of(staff).get(action="change own password")
    assert entry.actor == staff
    assert entry.before == {"must_change_password": True}
    assert NEW not in str(entry.after) and PASSWORD not in str(entry.after)
    assert not Client().login(username="staff_a", password=PASSWORD)
    assert Client().login(username="staff_a", password=NEW)


def test_anyone_signed_in_may_change_their_password_from_the_account_menu(world):
    client = world.client("enterprise_a")
    home = client.get("/").content.decode()
    assert 'href="/account/password/"' in home
    assert client.get("/account/password/").status_code == 200
    assert _change(client, PASSWORD, NEW)["Location"] == "/"
    assert User.objects.get(username="ent_a").check_password(NEW)
    # A next that leaves the site is ignored.
    assert _change(client, NEW, PASSWORD, next_url="https://example.org/")["Location"] == "/"


def test_anonymous_visitors_are_sent_to_log_in(world):
    assert Client().get("/account/password/")["Location"].startswith("/login/")


def test_the_service_checks_without_the_page(world):
    staff = world.users["staff_b"]
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as err:
        change_own_password(staff, current_password="wrong", new_password=NEW)
    assert "old_password" in err.value.message_dict
    inactive = world.users["staff_a1"]
    inactive.is_active = False
    with pytest.raises(PermissionDenied):
        change_own_password(inactive, current_password=PASSWORD, new_password=NEW)
    assert AuditEntry.objects.count() == before
