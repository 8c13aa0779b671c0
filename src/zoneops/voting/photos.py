"""Candidate photos: what is stored is an image Pillow decoded and wrote again.

Checking the first bytes is not enough (issue 17: an HTML file behind a PNG signature was
served as a page). A photo is decoded by Pillow, must be one of the allowed formats and not
larger than MAX_PIXELS, and is re-encoded, which drops anything appended or hidden in
metadata; it is served with the type of what was stored, sniffed from its bytes again."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (file extension, media type)
ALLOWED = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp")}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond it a decompression bomb is likelier


class NotAPhoto(ValueError):
    """The upload is not an allowed, decodable image."""


def reencode(upload) -> ContentFile:
    """The upload decoded and written again as the same allowed format, named by kind."""
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            if kind not in ALLOWED:
                raise NotAPhoto(kind)
            if probe.width * probe.height > MAX_PIXELS:
                raise NotAPhoto("too many pixels")
            image = ImageOps.exif_transpose(probe)  # keeps the orientation, drops the EXIF
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            ValueError) as exc:
        raise NotAPhoto(str(exc)) from exc
    extension, _media_type = ALLOWED[kind]
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 88} if kind in ("JPEG", "WEBP") else {"optimize": True}
    image.save(out, format=kind, **options)
    return ContentFile(out.getvalue(), name=f"photo.{extension}")


def media_type(head: bytes) -> str | None:
    """The media type of a stored photo, from its first bytes; None if it is not one."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None
