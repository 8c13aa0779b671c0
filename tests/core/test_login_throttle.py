"""One throttle for every login form, slowing down instead of locking out, and logins,
failures and denials in the audit trail (issue 17, item 4)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from zoneops.core import auth
from zoneops.core.models import AuditEntry, LoginAttempt

ATTACKER = "10.9.9.9"
OWNER = "10.1.1.1"


def admin_login(world, address: str, password: str) -> Client:
    """The admin's login form, reached (as in the probe) by someone signed in to the site."""
    client = Client(REMOTE_ADDR=address)
    client.force_login(world.users["staff_b"])
    client.post("/admin/login/?next=/admin/", {"username": "admin", "password": password})
    return client


def signed_in_as_admin(client: Client, world) -> bool:
    return client.session.get("_auth_user_id") == str(world.users["admin"].pk)


def test_admin_login_is_throttled_and_the_right_password_waits(world):
    for _ in range(40):
        admin_login(world, ATTACKER, "wrong")
    # 40 failures recorded (the slowed-down ones too), and the right password is not even tried.
    assert LoginAttempt.objects.filter(username="admin", address=ATTACKER).count() == 40
    assert not signed_in_as_admin(admin_login(world, ATTACKER, PASSWORD), world)
    assert auth.wait_seconds("admin", ATTACKER) > 60


def test_an_attacker_cannot_lock_the_owner_out(world):
    for _ in range(40):
        admin_login(world, ATTACKER, "wrong")
    assert auth.wait_seconds("admin", OWNER) == 0
    client = Client(REMOTE_ADDR=OWNER)
    assert client.post("/login/", {"username": "admin", "password": PASSWORD}).status_code == 302


def test_the_wait_grows_with_failures_and_ends(world):
    limit = django_settings.LOGIN_FAILURE_LIMIT
    for _ in range(limit - 1):
        Client(REMOTE_ADDR=ATTACKER).post("/login/", {"username": "office", "password": "x"})
    assert auth.wait_seconds("office", ATTACKER) == 0
    Client(REMOTE_ADDR=ATTACKER).post("/login/", {"username": "office", "password": "x"})
    first = auth.wait_seconds("office", ATTACKER)
    assert 0 < first <= 2
    page = Client(REMOTE_ADDR=ATTACKER).post("/login/", {"username": "office",
                                                         "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in page.wsgi_request.session
    later = timezone.now() + timedelta(seconds=first + 1)
    assert auth.wait_seconds("office", ATTACKER, now=later) == 0


def test_logins_failures_and_denials_are_audited(world):
    Client(REMOTE_ADDR=ATTACKER).post("/login/", {"username": "office", "password": "wrong"})
    admin_login(world, ATTACKER, "wrong")
    client = Client(REMOTE_ADDR=OWNER)
    client.post("/login/", {"username": "office", "password": PASSWORD})
    failures = AuditEntry.objects.filter(action="login failed")
    assert sorted(e.after["path"] for e in failures) == ["/admin/login/", "/login/"]
    assert all(e.after["address"] == ATTACKER for e in failures)
    login = AuditEntry.objects.get(action="login", actor=world.users["office"])
    assert login.after["address"] == OWNER
    assert client.get("/admin/").status_code == 302  # not staff: admin asks to log in
    assert world.client("staff_b").get("/people/new/").status_code == 403
    entry = AuditEntry.objects.get(action="denied")
    assert entry.actor == world.users["staff_b"] and entry.after["path"] == "/people/new/"
