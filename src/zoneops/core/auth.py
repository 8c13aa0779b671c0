"""One login throttle for every login form (ours, Django admin's, any other that calls
`authenticate`), and logins, failures and permission denials in the audit trail (issue 17).

The throttle slows down; it never locks. Failures are counted per account *from one address*
and per address: past LOGIN_FAILURE_LIMIT, the next attempt from that address must wait a
delay that doubles with each further failure (at most LOGIN_MAX_DELAY_SECONDS). Someone
guessing from another address therefore cannot keep the account's owner out; their own
address slows to one guess per few minutes. Failures stay on record after a success (the
audit trail keeps them); only failures since the account's last successful login count."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditAction, LoginAttempt
from .services import audit


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _delay(failures: int, limit: int) -> float:
    if failures < limit:
        return 0.0
    maximum = float(getattr(settings, "LOGIN_MAX_DELAY_SECONDS", 300))
    return min(maximum, 2.0 ** (failures - limit + 1))


def wait_seconds(username: str, address: str | None, now: datetime | None = None) -> int:
    """How long this address must wait before it may try this account again (0: now)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    name = (username or "").lower()
    user = get_user_model().objects.filter(username__iexact=name).only("last_login").first()
    if user is not None and user.last_login and user.last_login > since:
        since_for_account = user.last_login
    else:
        since_for_account = since
    limit = settings.LOGIN_FAILURE_LIMIT
    waits = []
    for attempts, key_limit in (
            (LoginAttempt.objects.filter(username=name, address=address,
                                         at__gt=since_for_account), limit),
            (LoginAttempt.objects.filter(address=address, at__gt=since), limit * 4)):
        if not address and key_limit != limit:
            continue
        times = list(attempts.order_by("-at").values_list("at", flat=True)[:64])
        delay = _delay(len(times), key_limit)
        if delay and times:
            waits.append((times[0] + timedelta(seconds=delay) - now).total_seconds())
    return max(0, int(max(waits, default=0) + 0.999))


class ThrottledModelBackend(ModelBackend):
    """Django's password check behind the throttle; a slowed-down attempt is not even tried."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username if username is not None else kwargs.get(
            get_user_model().USERNAME_FIELD)
        if name is not None and wait_seconds(str(name), client_address(request)) > 0:
            # Counted as a failure (the user_login_failed signal below), which lengthens the wait.
            raise PermissionDenied  # stops every backend: the attempt fails without a check
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _record_failure(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:150]
    attempt = LoginAttempt.objects.create(username=name.lower(), address=client_address(request),
                                          at=timezone.now())
    audit.record(name or "anonymous", AuditAction.LOGIN_FAILED, attempt, None,
                 {"username": name, "address": attempt.address,
                  "path": getattr(request, "path", "")})


@receiver(user_logged_in)
def _record_login(sender, request, user, **kwargs):
    audit.record(user, AuditAction.LOGIN, user, None,
                 {"address": client_address(request), "path": getattr(request, "path", "")})


class AuditDenialsMiddleware:
    """A signed-in person refused by a permission check is written to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code == 403 and user is not None and user.is_authenticated:
            audit.record(user, AuditAction.DENIED, user, None,
                         {"method": request.method, "path": request.path[:300]})
        return response
