"""Candidate photos cannot carry a page into the site's origin (issue 17, item 2)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zoneops.voting.models import CandidatePhoto

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCRIPT = b"<html><script>fetch('/api/me').then(r=>r.text()).then(alert)</script></html>"


def real_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def upload(vw, name: str, content: bytes):
    candidate = vw.candidates[0]
    url = f"/voting/{vw.campaign.pk}/candidates/{candidate.pk}/photo/"
    return vw.client("admin").post(url, {"image": SimpleUploadedFile(name, content),
                                         "caption": "x"})


def test_html_behind_a_png_signature_is_refused(vw):
    upload(vw, "evil.html", PNG_MAGIC + SCRIPT)
    assert not CandidatePhoto.objects.exists()


def test_a_real_image_with_a_script_appended_is_reencoded_and_served_as_an_image(vw):
    upload(vw, "evil.html", real_png() + SCRIPT)
    photo = CandidatePhoto.objects.get()
    assert photo.image.name.endswith(".png") and "evil" not in photo.image.name
    vw.open_voting()
    response = vw.world.client(None).get(f"/vote/{vw.campaign.pk}/photos/{photo.pk}/")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.png"'
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script" not in policy
    assert b"<script" not in body and Image.open(io.BytesIO(body)).size == (8, 6)


def test_jpeg_and_webp_are_accepted_other_images_are_not(vw):
    for kind in ("JPEG", "WEBP", "GIF", "BMP"):
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, format=kind)
        upload(vw, f"p.{kind.lower()}", out.getvalue())
    assert sorted(p.image.name.rsplit(".", 1)[1] for p in CandidatePhoto.objects.all()) == [
        "jpg", "webp"]


def test_a_file_stored_before_reencoding_that_is_no_image_is_never_served(vw):
    candidate = vw.candidates[0]
    legacy = CandidatePhoto.objects.create(
        candidate=candidate, image=SimpleUploadedFile("evil.html", SCRIPT))
    vw.open_voting()
    response = vw.world.client(None).get(f"/vote/{vw.campaign.pk}/photos/{legacy.pk}/")
    assert response.status_code == 404
