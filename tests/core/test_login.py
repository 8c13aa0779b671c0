import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from tests.conftest import PASSWORD
from zoneops.core.models import LoginAttempt, User


def test_production_hasher_is_argon2():
    from zoneops import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        from zoneops.core.services.people import create_user

        user = create_user(None, {"username": "zhang", "role": "leader"}, password=PASSWORD)
        assert User.objects.get(pk=user.pk).password.startswith("argon2$")
        assert Client().post("/login/", {"username": "zhang", "password": PASSWORD}
                             ).status_code == 302


def test_login_and_redirect(world):
    client = Client()
    response = client.post("/login/?next=/units/", {"username": "office", "password": PASSWORD,
                                                    "next": "/units/"})
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert client.get("/units/").status_code == 200


def test_login_refuses_foreign_redirects(world):
    response = Client().post("/login/", {"username": "office", "password": PASSWORD,
                                         "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_clear_message(world):
    response = Client().post("/login/", {"username": "office", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode() or "Wrong user name" in \
        response.content.decode()


def test_login_is_throttled_after_repeated_failures(world):
    client = Client()
    for _ in range(django_settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "office", "password": "wrong"})
    # Even the right password is refused while locked.
    response = client.post("/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Another user is not locked out by someone else's failures.
    assert Client().post("/login/", {"username": "duty", "password": PASSWORD}
                         ).status_code == 302


def test_a_success_keeps_the_failures_on_record(world):
    client = Client()
    client.post("/login/", {"username": "office", "password": "wrong"})
    client.post("/login/", {"username": "office", "password": PASSWORD})
    assert LoginAttempt.objects.filter(username="office").exists()


def test_csrf_is_enforced_on_forms_and_session_api(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "office", "password": PASSWORD}
                       ).status_code == 403
    client.force_login(world.users["admin"])
    response = client.post("/api/core/units", data='{"code": "X", "name": "X"}',
                           content_type="application/json")
    assert response.status_code in (401, 403)


def test_logout_needs_post(world):
    client = world.client("office")
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_api_token_authentication(world):
    from zoneops.core.services.people import create_api_token, revoke_api_token

    token, raw = create_api_token(world.users["staff_a"], world.users["staff_a"], name="数据中台")
    client = Client()
    assert client.get("/api/core/me").status_code == 401
    me = client.get("/api/core/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["username"] == "staff_a"
    assert client.get("/api/core/me", HTTP_X_API_TOKEN=raw).status_code == 200
    # Token users get exactly their own permissions: unit staff cannot create units.
    response = client.post("/api/core/units", data='{"code": "X", "name": "X"}',
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert client.get("/api/core/me", HTTP_AUTHORIZATION="Bearer zo_wrong").status_code == 401
    revoke_api_token(world.users["staff_a"], token)
    assert client.get("/api/core/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert token.digest != raw and raw not in str(token.__dict__)


def test_token_page_shows_the_secret_once(world):
    client = world.client("duty")
    response = client.post("/account/tokens/", {"name": "网关"})
    body = response.content.decode()
    assert 'data-testid="new-token"' in body
    again = client.get("/account/tokens/").content.decode()
    assert 'data-testid="new-token"' not in again and "网关" in again
