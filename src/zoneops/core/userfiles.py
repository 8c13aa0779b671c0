"""Serving files people uploaded: never as a page of this site.

A file a user uploaded is answered with a type decided by the server, `nosniff`, a
Content-Disposition and a Content-Security-Policy that sandboxes it and allows no script, so
a file crafted as HTML (or a polyglot image) cannot run in the site's origin (issue 17)."""

from __future__ import annotations

from django.http import HttpResponse

USER_FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def protect(response: HttpResponse, *, content_type: str | None = None,
            disposition: str = "attachment", filename: str | None = None) -> HttpResponse:
    """Put the user-file headers on a response (it keeps them: the site-wide policy only fills
    in a missing Content-Security-Policy)."""
    if content_type:
        response["Content-Type"] = content_type
    if filename:
        safe = "".join(c for c in filename if c.isalnum() or c in "._-") or "file"
        response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    elif "Content-Disposition" not in response or disposition == "inline":
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = USER_FILE_POLICY
    return response
