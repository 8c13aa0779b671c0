"""The residents' odour page (/odour/): phone first, no account, no session.

Nothing here writes the session (a stored session per anonymous visit would let anyone fill
the session table, issue 17): the form posts with the CSRF cookie only and the reporter keeps
the tracking code shown after sending."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.selectors import places_geojson
from zoneops.voting.photos import MAX_PIXELS, NotAPhoto, reencode

from . import services
from .forms import OdourForm
from .models import OdourReport

MAX_PHOTO_BYTES = 8 * 1024 * 1024


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def report(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime()
    form = OdourForm(request.POST or None, request.FILES or None,
                     initial={"observed_at": now.strftime("%Y-%m-%dT%H:%M")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            photo = data.get("photo")
            try:
                if data.get("website"):
                    raise ValidationError({"__all__": _("The report could not be sent.")})
                if photo is not None:
                    if photo.size > MAX_PHOTO_BYTES:
                        raise ValidationError({"photo": _("The photo is larger than 8 MB.")})
                    try:
                        photo = reencode(photo)
                    except NotAPhoto as exc:
                        raise ValidationError({"photo": _(
                            "Not a photo we can read: JPEG, PNG or WebP up to %(mp)s "
                            "megapixels.") % {"mp": MAX_PIXELS // 1_000_000}}) from exc
                saved = services.submit_odour(
                    latitude=data["latitude"], longitude=data["longitude"],
                    observed_at=data["observed_at"], intensity=data["intensity"],
                    smell=data["smell"], note=data.get("note", ""), photo=photo,
                    address=_client_address(request))
            except services.Throttled as exc:
                form.add_error(None, exc.messages)
                status = 429
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    if field == "location":
                        form.add_error("latitude", errors)
                    else:
                        form.add_error(field if field in form.fields else None, errors)
            else:
                shown = saved.folded_into or saved
                return redirect("odour-track", code=shown.code)
    return render(request, "tracing/public/report.html",
                  {"form": form, "places": places_geojson()}, status=status)


def track(request: HttpRequest, code: str) -> HttpResponse:
    code = code.strip().upper()
    item = OdourReport.objects.filter(code=code).first()
    if item is None:
        raise Http404
    return render(request, "tracing/public/track.html", {"report": item})


def find(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()
    if code and OdourReport.objects.filter(code=code).exists():
        return redirect("odour-track", code=code)
    return render(request, "tracing/public/find.html", {"code": code, "missing": bool(code)})
