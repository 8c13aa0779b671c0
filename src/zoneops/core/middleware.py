import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import redirect

# Paths anyone may open: the login page, the language switch, static files, health and the API
# (the API answers 401 itself, as machine clients expect).
# "/vote/" is the residents' public voting site (issue 5): residents have no accounts.
PUBLIC_PREFIXES = ("/login/", "/i18n/", "/static/", "/healthz", "/api/", "/favicon.ico",
                   "/vote/")


class LoginRequiredMiddleware:
    """Every page needs a login unless it is listed as public: safe by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{settings.LOGIN_URL and '/login/'}?next={request.path}")
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
