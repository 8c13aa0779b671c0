"""The site-wide Content-Security-Policy (issue 17, item 2): no inline script without the
request's nonce, no other origin, no framing - and the pages keep no inline script or inline
event handler that the policy would block (the browser tests show the pages still work)."""

from __future__ import annotations

import re
from pathlib import Path

import zoneops

TEMPLATES = Path(zoneops.__file__).parent / "templates"


def test_every_page_gets_a_policy_with_a_fresh_nonce(world):
    client = world.client("admin")
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in first and first != second
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                      "base-uri 'self'", "form-action 'self'"):
        assert directive in first
    assert "unsafe-eval" not in first and "script-src 'self' 'unsafe-inline'" not in first
    assert "Content-Security-Policy" in world.client(None).get("/login/")


def test_the_nonce_in_the_header_is_the_one_a_template_gets(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.template import engines

    from zoneops.core.middleware import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">')
    middleware = ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse(template.render({}, request)))
    request = rf.get("/")
    request.user = AnonymousUser()
    response = middleware(request)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert len(nonce) >= 16 and response.content.decode() == f'<script nonce="{nonce}">'


def test_templates_have_no_inline_script_without_a_nonce_and_no_inline_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" in tag or 'type="application/json"' in tag or "nonce=" in tag:
                continue
            offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m}" for m in
                      re.findall(r"\son[a-z]+=\"", text) + re.findall(r"javascript:", text)]
    assert offenders == []


def test_a_tile_server_is_allowed_for_images(world, settings):
    from zoneops.core.middleware import ContentSecurityPolicyMiddleware

    settings.ZONEOPS_TILE_URL = "https://tiles.zone.internal/{z}/{x}/{y}.png"
    policy = ContentSecurityPolicyMiddleware(lambda r: None).template
    assert "img-src 'self' data: blob: https://tiles.zone.internal;" in policy


def test_evidence_files_are_served_as_downloads_that_cannot_run(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zoneops.core.services import alerts

    alert = alerts.assign(world.users["duty"], world.alert_a, unit=world.unit_a)
    evidence = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", "text/html")
    alert = alerts.handle(world.users["staff_a"], alert, feedback="see attached", files=[evidence])
    response = world.client("staff_a").get(
        f"/alerts/{alert.pk}/attachments/{alert.attachments.get().pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script" not in response["Content-Security-Policy"]
