"""People and roles, API tokens, and the login throttle."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions as perm
from ..models import ApiToken, AuditAction, LoginAttempt, Role, User
from .audit import record, save_audited

USER_FIELDS = {"username", "full_name", "email", "phone", "role", "unit", "enterprise",
               "is_active", "must_change_password"}


def _check_role_fields(data: dict[str, Any], user: User) -> None:
    role = data.get("role", user.role)
    unit = data.get("unit", user.unit if user.pk else None)
    enterprise = data.get("enterprise", user.enterprise if user.pk else None)
    if role == Role.UNIT_STAFF and unit is None:
        raise ValidationError({"unit": "unit staff must belong to a unit"})
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationError({"enterprise": "an enterprise contact must name the enterprise"})
    if role != Role.ENTERPRISE and enterprise is not None:
        raise ValidationError({"enterprise": "only enterprise contacts belong to an enterprise"})


def create_user(actor: User | None, data: Mapping[str, Any], *, password: str) -> User:
    """A new person with a first password. `actor=None` only from trusted code (CLI, demo
    loader, test fixtures)."""
    return _write_user(actor, data, User(), password)


def update_user(actor: User | None, user: User, data: Mapping[str, Any], *,
                password: str | None = None) -> User:
    """Change a person; a password, when given, replaces theirs (validated, audited)."""
    if user.pk is None:
        raise ValueError("update a saved user; create_user makes a new one")
    return _write_user(actor, data, user, password)


@transaction.atomic
def _write_user(actor: User | None, data: Mapping[str, Any], user: User,
                password: str | None) -> User:
    if actor is not None:
        perm.require(perm.can_manage_registry(actor))
    unknown = set(data) - USER_FIELDS
    if unknown:
        raise ValidationError({name: "unknown field" for name in sorted(unknown)})
    _check_role_fields(data, user)
    if user.pk is None and not password:
        raise ValidationError({"password": "a new user needs a password"})
    if password:
        probe = User(**{k: v for k, v in data.items() if k in {"username", "full_name", "email"}})
        try:
            validate_password(password, probe)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    save_audited(actor or "system", user, data,
                 reason="password set" if password and user.pk else "")
    return user


@transaction.atomic
def change_own_password(user: User, *, current_password: str, new_password: str) -> User:
    """A person changes their own password: the current one is required, the new one passes
    Django's validators and differs from the current one; audited (without any secret), and a
    pending forced change is thereby done."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not user.check_password(current_password):
        raise ValidationError({"old_password": _("Your current password is not correct.")})
    if new_password == current_password:
        raise ValidationError({"new_password1": _("Choose a password different from the "
                                                  "current one.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    forced = user.must_change_password
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(user, AuditAction.CHANGE_OWN_PASSWORD, user, {"must_change_password": forced},
           {"must_change_password": False})
    return user


# --- API tokens -------------------------------------------------------------------------------

def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(actor: User, owner: User, *, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw secret, which is shown once and never stored."""
    perm.require(actor.pk == owner.pk or perm.can_manage_registry(actor))
    if not name.strip():
        raise ValidationError({"name": "give the token a name, e.g. the machine that uses it"})
    raw = "zo_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=owner, name=name.strip()[:100], prefix=raw[3:11],
                                    digest=_digest(raw))
    record(actor, AuditAction.CREATE, token, None, {"name": token.name, "owner": str(owner)})
    return token, raw


@transaction.atomic
def revoke_api_token(actor: User, token: ApiToken) -> None:
    perm.require(actor.pk == token.user_id or perm.can_manage_registry(actor))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, AuditAction.REVOKE, token, None, None)


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith("zo_"):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(digest=_digest(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- login throttle ---------------------------------------------------------------------------

def login_locked(username: str, address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginAttempt.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    # An address may try a few names; a flood from one address is throttled too.
    return bool(address) and recent.filter(address=address).count() >= limit * 4


def login_failed(username: str, address: str | None) -> None:
    LoginAttempt.objects.create(username=username.lower()[:150], address=address or None,
                                at=timezone.now())


def login_succeeded(username: str) -> None:
    LoginAttempt.objects.filter(username=username.lower()).delete()
