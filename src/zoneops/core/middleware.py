import json
import re
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths anyone may open: the login page, the language switch, static files, health and the API
# (the API answers 401 itself, as machine clients expect).
# "/vote/" is the residents' public voting site (issue 5) and "/odour/" their odour reports
# (issue 20): residents have no accounts. "/certificate/" checks an emission-rights
# certificate by its number and code (issue 24).
PUBLIC_PREFIXES = ("/login/", "/i18n/", "/static/", "/healthz", "/api/", "/favicon.ico",
                   "/vote/", "/odour/", "/certificate/")
# What a person who must change their password may still open.
PASSWORD_CHANGE_URL = "/account/password/"
WHILE_CHANGING = (PASSWORD_CHANGE_URL, "/logout/", "/login/", "/i18n/", "/jsi18n/", "/static/",
                  "/healthz", "/favicon.ico", "/vote/", "/odour/", "/certificate/")


class LoginRequiredMiddleware:
    """Every page needs a login unless it is listed as public: safe by default. A person an
    administrator asked to change their password is led to that page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{settings.LOGIN_URL and '/login/'}?next={request.path}")
        if (user.is_authenticated and getattr(user, "must_change_password", False)
                and not request.path.startswith(WHILE_CHANGING)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Change your password first.")}, status=403)
            return redirect(f"{PASSWORD_CHANGE_URL}?next={request.path}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response that has none yet (issue 17).

    Scripts run only from this site's static files or from an inline block carrying the
    request's nonce (`{{ request.csp_nonce }}`); no inline event handlers, no eval, no other
    origin, no framing, forms post only here. Styles allow inline `style` attributes (ECharts
    and Leaflet set them): a style cannot run script. Map tiles may come from the configured
    ZONEOPS_TILE_URL host. User files set their own, stricter policy (core.userfiles)."""

    def __init__(self, get_response):
        self.get_response = get_response
        tiles = _origin_of(getattr(settings, "ZONEOPS_TILE_URL", ""))
        self.template = "; ".join([
            "default-src 'self'",
            "script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{' ' + tiles if tiles else ''}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ])

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.template.format(nonce=request.csp_nonce)
        return response


def _origin_of(url: str) -> str:
    """scheme://host[:port] of a tile URL template (its {z}/{x}/{y} path does not matter)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# PostgreSQL's bigint, the widest integer column: a larger number in a query parameter or a
# JSON body can only be a mistake or a probe, and reached the database as a 500 (issue 17).
BIGINT_MAX = 2**63 - 1
_INTEGER = re.compile(r"^[+-]?\d+$")


def _bad_text(name: str, value: str) -> str | None:
    if "\x00" in value:
        return _("%(field)s: the NUL character is not allowed.") % {"field": name}
    if len(value) > 18 and _INTEGER.match(value.strip()) and abs(int(value)) > BIGINT_MAX:
        return _("%(field)s: the number is out of range.") % {"field": name}
    return None


def _bad_json(value, where: str = "body") -> str | None:
    if isinstance(value, str):
        return _bad_text(where, value) if "\x00" in value else None
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        return (_("%(field)s: the number is out of range.") % {"field": where}
                if abs(value) > BIGINT_MAX else None)
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        problem = _bad_text(f"{where}.{key}", str(key)) or _bad_json(item, f"{where}.{key}")
        if problem:
            return problem
    return None


class BadInputMiddleware:
    """Answer 400, naming the field, for input no endpoint can store: a NUL character
    (PostgreSQL text refuses it) or an integer beyond bigint, in the path, a query parameter,
    a form field or a JSON body. A database DataError that still gets through (a value too
    long or out of range for its column) is a 400 as well, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return _bad_request(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str | None:
        if "\x00" in request.path:
            return _("path: the NUL character is not allowed.")
        for name, values in request.GET.lists():
            for value in [name, *values]:
                if problem := _bad_text(name, value):
                    return problem
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type == "application/x-www-form-urlencoded" or (
                    content_type == "multipart/form-data"):
                for name, values in request.POST.lists():
                    for value in [name, *values]:
                        if problem := _bad_text(name, value):
                            return problem
            elif content_type.endswith("json") and request.body:
                try:
                    document = json.loads(request.body)
                except (ValueError, RecursionError):
                    return None  # the endpoint reports malformed JSON itself
                return _bad_json(document)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, DataError):
            return _bad_request(request, _("A value is out of range or cannot be stored: %(error)s")
                                % {"error": str(exception).splitlines()[0][:200]})
        return None


def _bad_request(request, message: str) -> HttpResponse:
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
