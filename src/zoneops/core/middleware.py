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
