from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Paths anyone may open: the login page, the language switch, static files, health and the API
# (the API answers 401 itself, as machine clients expect).
# "/vote/" is the residents' public voting site (issue 5): residents have no accounts.
PUBLIC_PREFIXES = ("/login/", "/i18n/", "/static/", "/healthz", "/api/", "/favicon.ico",
                   "/vote/")
# What a person who must change their password may still open.
PASSWORD_CHANGE_URL = "/account/password/"
WHILE_CHANGING = (PASSWORD_CHANGE_URL, "/logout/", "/login/", "/i18n/", "/jsi18n/", "/static/",
                  "/healthz", "/favicon.ico", "/vote/")


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
