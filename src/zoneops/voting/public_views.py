"""The residents' site (/vote/): no account, only verification against the roll.

The session holds, per campaign, the id of the verified roll entry — never a receipt or a
choice: the receipt is shown once on the confirmation page and kept by the voter."""

from __future__ import annotations

import functools
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..core import userfiles
from ..core.selectors import places_geojson
from . import codes, forms, photos, selectors, services
from .models import Campaign, CandidatePhoto, Participation

SESSION_KEY = "voting_verified"


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(selectors.public_campaigns(), pk=pk)


SEED_COOKIE = "vote_seed"
SEED_PATTERN = re.compile(r"^[0-9a-f]{16}$")


def _seed(request: HttpRequest) -> str:
    """The visitor's shuffle seed, from a cookie: a stored session for every anonymous visit
    would let anyone fill the session table (issue 17)."""
    seed = request.COOKIES.get(SEED_COOKIE, "")
    if not SEED_PATTERN.match(seed):
        seed = getattr(request, "new_vote_seed", None) or secrets.token_hex(8)
        request.new_vote_seed = seed
    return seed


def _keeps_seed(view):
    """Send the seed cookie when the view made a new seed."""
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        seed = getattr(request, "new_vote_seed", None)
        if seed:
            response.set_cookie(SEED_COOKIE, seed, max_age=30 * 24 * 3600, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
    return wrapped


def _verified_entry_id(request: HttpRequest, campaign: Campaign) -> int | None:
    return (request.session.get(SESSION_KEY) or {}).get(str(campaign.pk))


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _shuffled_candidates(request: HttpRequest, campaign: Campaign) -> list:
    return selectors.shuffled(list(selectors.listed_candidates(campaign)),
                              f"{_seed(request)}:{campaign.pk}")


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "voting/public/index.html",
                  {"campaigns": selectors.public_campaigns()})


@_keeps_seed
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    item = _campaign(pk)
    return render(request, "voting/public/campaign.html", {
        "campaign": item, "candidates": _shuffled_candidates(request, item),
        "verified": _verified_entry_id(request, item) is not None})


def candidate(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _campaign(pk)
    project = get_object_or_404(selectors.listed_candidates(item), number=number)
    result = getattr(project, "result", None) if item.results_public else None
    return render(request, "voting/public/candidate.html", {
        "campaign": item, "candidate": project, "result": result,
        "hand_over": getattr(project, "hand_over", None),
        "progress": selectors.supervision_progress(getattr(project, "hand_over", None)),
        # The zone's outline and functional areas are public; blocks and enterprises are not.
        "outline": places_geojson(kinds=("zone", "area")) if project.latitude else None})


def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    item = _campaign(pk)
    picture = get_object_or_404(CandidatePhoto, pk=photo_pk, candidate__campaign=item,
                                candidate__is_listed=True)
    stored = picture.image.open("rb")
    kind = photos.media_type(stored.read(16))
    stored.seek(0)
    if kind is None:  # stored before photos were re-encoded, and not an image: never serve it
        stored.close()
        raise Http404
    return userfiles.protect(FileResponse(stored), content_type=kind, disposition="inline",
                             filename=f"photo-{picture.pk}.{kind.split('/')[1]}")


def verify(request: HttpRequest, pk: int) -> HttpResponse:
    item = _campaign(pk)
    form = forms.VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.verify(item, id_number=form.cleaned_data["id_number"],
                                    code=form.cleaned_data["code"],
                                    address=_client_address(request))
        except ValidationError as exc:
            from zoneops.core.views import apply_errors

            apply_errors(form, exc)
        else:
            request.session.cycle_key()  # a fresh session id once someone is verified
            verified = dict(request.session.get(SESSION_KEY) or {})
            verified[str(item.pk)] = entry.pk
            request.session[SESSION_KEY] = verified
            return redirect(reverse("vote-ballot", args=[item.pk]))
    return render(request, "voting/public/verify.html", {"campaign": item, "form": form})


def _already(entry_id: int, campaign: Campaign) -> Participation | None:
    return Participation.objects.filter(campaign=campaign, roll_entry_id=entry_id,
                                        withdrawn=False).first()


@_keeps_seed
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    item = _campaign(pk)
    entry_id = _verified_entry_id(request, item)
    if entry_id is None:
        return redirect(reverse("vote-verify", args=[item.pk]))
    context = {"campaign": item, "candidates": _shuffled_candidates(request, item),
               "categories": item.categories.all(), "errors": [], "chosen": set()}
    if item.phase != Campaign.Phase.VOTING:
        context["closed"] = True
        return render(request, "voting/public/ballot.html", context)
    took_part = _already(entry_id, item)
    if request.method == "POST" and took_part is None and request.POST.get("confirm") != "1":
        # First the voter sees what they chose and confirms it (or goes back to change it).
        picks = request.POST.getlist("choice")
        context["chosen"] = {int(p) for p in picks if p.isdigit()}
        if "back" in request.POST:
            return render(request, "voting/public/ballot.html", context)
        try:
            services.check_choices(item, [int(p) for p in picks])
        except ValueError:
            context["errors"] = [_("Choose projects from the list.")]
        except ValidationError as exc:
            context["errors"] = exc.messages
        else:
            chosen = [c for c in context["candidates"] if c.pk in context["chosen"]]
            return render(request, "voting/public/confirm.html", {
                "campaign": item, "chosen": chosen,
                "total": sum(c.estimated_cost for c in chosen)})
        return render(request, "voting/public/ballot.html", context)
    if request.method == "POST" and took_part is None:
        picks = request.POST.getlist("choice")
        try:
            cast = services.cast_ballot(item, roll_entry_id=entry_id,
                                        candidate_ids=[int(p) for p in picks])
        except ValueError:
            context["errors"] = [_("Choose projects from the list.")]
        except services.AlreadyVoted:
            took_part = _already(entry_id, item)
        except ValidationError as exc:
            context["errors"] = exc.messages
            context["chosen"] = {int(p) for p in picks if p.isdigit()}
        else:
            # Rendered, not redirected: the receipt is never stored where it meets the voter.
            return render(request, "voting/public/done.html", {
                "campaign": item, "receipt": codes.pretty(cast.receipt),
                "receipt_raw": cast.receipt,
                "choices": [c.candidate for c in cast.choices.select_related("candidate")]})
    if took_part is not None:
        context["already"] = took_part
        return render(request, "voting/public/ballot.html", context, status=409
                      if request.method == "POST" else 200)
    return render(request, "voting/public/ballot.html", context)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _campaign(pk)
    entry_id = _verified_entry_id(request, item)
    if entry_id is None:
        return redirect(reverse("vote-verify", args=[item.pk]))
    try:
        services.withdraw_ballot(item, roll_entry_id=entry_id,
                                 receipt=request.POST.get("receipt", ""))
    except ValidationError as exc:
        return render(request, "voting/public/ballot.html", {
            "campaign": item, "already": _already(entry_id, item), "errors": exc.messages,
            "candidates": [], "categories": []}, status=400)
    return render(request, "voting/public/withdrawn.html", {"campaign": item})


def results(request: HttpRequest, pk: int) -> HttpResponse:
    item = _campaign(pk)
    if not item.results_public:
        raise Http404
    live = not item.at_least(Campaign.Phase.RESULTS)
    rows = selectors.turnout(item)
    table = selectors.results(item) if not live else None
    return render(request, "voting/public/results.html", {
        "campaign": item, "results": table, "live": live,
        "standings": services.tally(item) if live else None,
        "turnout": rows, "turnout_total": selectors.turnout_total(rows),
        "confirmed": item.phase == Campaign.Phase.CONFIRMED})
