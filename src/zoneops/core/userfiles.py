"""Serving files people uploaded: never as a page of this site.

A file a user uploaded is answered with a type decided by the server, `nosniff`, a
Content-Disposition and a Content-Security-Policy that sandboxes it and allows no script, so
a file crafted as HTML (or a polyglot image) cannot run in the site's origin (issue 17)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

USER_FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def protect(response: HttpResponse, *, content_type: str | None = None,
            disposition: str = "attachment", filename: str | None = None) -> HttpResponse:
    """Put the user-file headers on a response (it keeps them: the site-wide policy only fills
    in a missing Content-Security-Policy)."""
    if content_type:
        response["Content-Type"] = content_type
    if filename:
        response["Content-Disposition"] = content_disposition(filename, disposition)
    elif "Content-Disposition" not in response or disposition == "inline":
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = USER_FILE_POLICY
    return response


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition naming the file in any language (RFC 6266 / RFC 5987): an ASCII
    `filename` for old clients and, when the name is not ASCII, `filename*` in UTF-8 — a
    Chinese name arrives as written. Quotes, slashes and control characters are dropped."""
    name = "".join(c for c in filename if c.isprintable() and c not in '"\\/;') or "file"
    plain = "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-"))
    if plain == name:
        return f'{disposition}; filename="{name}"'
    stem, dot, ext = plain.rpartition(".")
    fallback = plain if stem.strip("._-") else f"download{dot}{ext}" if dot else "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
