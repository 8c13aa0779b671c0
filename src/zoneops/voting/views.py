"""Staff pages of public voting (/voting/): thin shells over selectors and services."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zoneops.core import selectors as core_selectors
from zoneops.core.cells import append_row
from zoneops.core.userfiles import content_disposition
from zoneops.core.views import apply_errors

from . import codes, forms, selectors, services
from . import permissions as perm
from .models import Ballot, Campaign, Candidate, PaperVoterRequest, Participation
from .roll_import import RollFileError, parse


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    if not perm.can_view(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.campaigns_for(request.user), pk=pk)


def _manager(request: HttpRequest) -> None:
    if not perm.can_manage(request.user):
        raise PermissionDenied


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _detail(campaign: Campaign) -> str:
    return reverse("voting-campaign", args=[campaign.pk])


def campaign_list(request: HttpRequest) -> HttpResponse:
    if not perm.can_view(request.user):
        raise PermissionDenied
    return render(request, "voting/campaign_list.html", {
        "campaigns": selectors.campaigns_for(request.user),
        "can_manage": perm.can_manage(request.user)})


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    rows = selectors.turnout(campaign)
    return render(request, "voting/campaign_detail.html", {
        "campaign": campaign, "can_manage": perm.can_manage(request.user),
        "is_officer": perm.is_officer(request.user) or perm.core_perm.is_admin(request.user),
        "categories": campaign.categories.all(),
        "candidates": campaign.candidates.select_related("category", "community"),
        "roll_count": campaign.roll.count(), "code_count": campaign.codes.count(),
        "turnout": rows, "turnout_total": selectors.turnout_total(rows),
        "results": selectors.results(campaign), "hand_overs": selectors.hand_overs(campaign),
        "pending_paper": campaign.ballots.filter(status=Ballot.Status.PENDING_CHECK).count(),
        "hand_over_form": forms.HandOverForm(),
        "history": core_selectors.history_of(campaign)[:50]})


def _edit(request: HttpRequest, form: object, save: Callable, title: str, cancel: str,
          history=()) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, "core/form.html", {"form": form, "title": title, "cancel": cancel,
                                              "history": history})


def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk) if pk else None
    form = forms.CampaignForm(request.POST or None, instance=campaign)

    def save(data):
        fresh = Campaign.objects.get(pk=pk) if pk else None
        if fresh is None:
            return _detail(services.create_campaign(request.user, data))
        return _detail(services.update_campaign(request.user, fresh, data))
    return _edit(request, form, save, _("Edit campaign") if pk else _("New campaign"),
                 _detail(campaign) if campaign else reverse("voting-campaign-list"),
                 core_selectors.history_of(campaign)[:30] if campaign else ())


def category_new(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    form = forms.CategoryForm(request.POST or None)
    return _edit(request, form, lambda data: (services.create_category(
        request.user, campaign, data), _detail(campaign))[1], _("New category"),
        _detail(campaign))


def candidate_edit(request: HttpRequest, pk: int, candidate_pk: int | None = None,
                   ) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    candidate = get_object_or_404(campaign.candidates, pk=candidate_pk) if candidate_pk else None
    form = forms.CandidateForm(request.POST or None, instance=candidate, campaign=campaign)

    def save(data):
        fresh = Candidate.objects.get(pk=candidate_pk) if candidate_pk else None
        if fresh is None:
            services.create_candidate(request.user, campaign, data)
        else:
            services.update_candidate(request.user, fresh, data)
        return _detail(campaign)
    return _edit(request, form, save,
                 _("Edit candidate project") if candidate else _("New candidate project"),
                 _detail(campaign),
                 core_selectors.history_of(candidate)[:30] if candidate else ())


@require_POST
def candidate_photo(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    candidate = get_object_or_404(campaign.candidates, pk=candidate_pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
    else:
        try:
            services.add_photo(request.user, candidate, upload=form.cleaned_data["image"],
                               caption=form.cleaned_data["caption"])
            messages.success(request, _("Photo added."))
        except ValidationError as exc:
            _flash_errors(request, exc)
    return redirect(reverse("voting-candidate-edit", args=[campaign.pk, candidate.pk]))


PHASE_ACTIONS = {
    "publish-candidates": lambda user, c: services.advance_phase(user, c,
                                                                 to=Campaign.Phase.CANDIDATES),
    "open": lambda user, c: services.advance_phase(user, c, to=Campaign.Phase.VOTING),
    "close": lambda user, c: services.advance_phase(user, c, to=Campaign.Phase.COUNTING),
    "count": services.count_votes,
    "publish": services.publish_results,
}


@require_POST
def phase_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    if action not in PHASE_ACTIONS:
        raise PermissionDenied
    try:
        PHASE_ACTIONS[action](request.user, campaign)
        messages.success(request, _("Done."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect(_detail(campaign))


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    try:
        services.confirm_winners(request.user, campaign, winner_ids=request.POST.getlist("winner"),
                                 reason=request.POST.get("reason", ""))
        messages.success(request, _("Winners confirmed."))
    except (ValidationError, ValueError) as exc:
        _flash_errors(request, exc if isinstance(exc, ValidationError)
                      else ValidationError(_("Choose winners from the list.")))
    return redirect(_detail(campaign))


@require_POST
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    form = forms.HandOverForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the supervision list."))
        done = services.hand_over_winners(request.user, campaign,
                                          target=form.cleaned_data["target"])
        messages.success(request, _("%(n)s winners handed over to supervision.")
                         % {"n": len(done)})
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect(_detail(campaign))


def roll(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    campaign = _campaign(request, pk)
    form = forms.RollUploadForm(request.POST or None, request.FILES or None)
    problems, counts = [], None
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            rows = parse(form.cleaned_data["file"])
            counts = services.import_roll(request.user, campaign, rows=rows, dry_run=dry_run)
        except RollFileError as exc:
            problems = exc.problems
        except ValidationError as exc:
            problems = exc.messages
        else:
            if not dry_run:
                messages.success(request, _("%(n)s residents added to the roll.")
                                 % {"n": counts["residents"]})
                return redirect(reverse("voting-roll", args=[campaign.pk]))
    return render(request, "voting/roll.html", {
        "campaign": campaign, "form": form, "problems": problems, "counts": counts,
        "roll_count": campaign.roll.count(), "code_count": campaign.codes.count(),
        "households": campaign.roll.values("community", "household").distinct().count()})


@require_POST
def issue_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Codes exist in clear only in this download: the sheet to print, one line per household."""
    _manager(request)
    campaign = _campaign(request, pk)
    issued = services.issue_codes(request.user, campaign)
    if not issued:
        messages.error(request, _("Every household on the roll already has a code."))
        return redirect(reverse("voting-roll", args=[campaign.pk]))
    return _xlsx("投票码", ["街道", "社区", "住址/户号", "投票码"],
                 [[c.unit.name, c.name, household, codes.pretty(code)]
                  for c, household, code in issued],
                 _("voting-codes-%(id)s.xlsx") % {"id": campaign.pk})


def _xlsx(title: str, header: list[str], rows: list[list], filename: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        append_row(sheet, row)
    data = io.BytesIO()
    book.save(data)
    response = HttpResponse(data.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = content_disposition(filename)
    return response


COUNTED_PHASES = (Campaign.Phase.RESULTS, Campaign.Phase.CONFIRMED)


def export_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """Counted ballots without anything that identifies a voter - and only once they have
    been counted: while voting is open nobody, office and administrators included, reads
    what was chosen (issue 17)."""
    _manager(request)
    campaign = _campaign(request, pk)
    counted = campaign.phase in COUNTED_PHASES or (
        campaign.phase == Campaign.Phase.COUNTING and campaign.results.exists())
    rows = selectors.ballot_export_rows(campaign) if counted else [
        [_("Ballots can be read only after the votes have been counted.")]]
    return _xlsx("选票", ["回执号", "方式", "日期", "所选项目编号"], rows,
                 _("ballots-%(id)s.xlsx") % {"id": campaign.pk})


# --- paper ballots -----------------------------------------------------------------------------

def _paper_user(request: HttpRequest) -> None:
    if not (perm.is_officer(request.user) or perm.core_perm.is_admin(request.user)):
        raise PermissionDenied


def paper(request: HttpRequest, pk: int) -> HttpResponse:
    _paper_user(request)
    campaign = _campaign(request, pk)
    ballots = list(selectors.paper_ballots_for(request.user, campaign))
    return render(request, "voting/paper.html", {
        "campaign": campaign, "voter_form": forms.PaperVoterForm(),
        "communities": selectors.paper_community_choices(request.user, campaign),
        "candidates": selectors.listed_candidates(campaign),
        "pending": [b for b in ballots if b.status == Ballot.Status.PENDING_CHECK],
        "done": [b for b in ballots if b.status != Ballot.Status.PENDING_CHECK],
        "paper_voters": Participation.objects.filter(
            campaign=campaign, channel=Participation.Channel.PAPER,
            roll_entry__community__in=selectors.paper_community_choices(
                request.user, campaign)).count(),
        "marks": PaperVoterRequest.objects.filter(
            campaign=campaign, status=PaperVoterRequest.Status.PENDING,
            roll_entry__community__in=selectors.paper_community_choices(
                request.user, campaign)).select_related("roll_entry__community",
                                                        "requested_by")})


def _back_to_paper(campaign: Campaign) -> HttpResponse:
    return redirect(reverse("voting-paper", args=[campaign.pk]))


@require_POST
def paper_voter(request: HttpRequest, pk: int) -> HttpResponse:
    _paper_user(request)
    campaign = _campaign(request, pk)
    try:
        mark = services.register_paper_voter(request.user, campaign,
                                             id_number=request.POST.get("id_number", ""))
        messages.success(request, _("%(name)s is marked as voting on paper; a second officer "
                                    "must confirm it.") % {"name": mark.roll_entry.name})
    except ValidationError as exc:
        _flash_errors(request, exc)
    return _back_to_paper(campaign)


@require_POST
def paper_voter_decide(request: HttpRequest, pk: int, mark_pk: int) -> HttpResponse:
    """A second officer confirms (accept=1) or rejects (with a reason) a paper-voter mark."""
    _paper_user(request)
    campaign = _campaign(request, pk)
    mark = get_object_or_404(PaperVoterRequest.objects.filter(
        campaign=campaign, roll_entry__community__in=selectors.paper_community_choices(
            request.user, campaign)), pk=mark_pk)
    try:
        services.confirm_paper_voter(request.user, mark,
                                     accept=request.POST.get("accept") == "1",
                                     reason=request.POST.get("reason", ""))
        messages.success(request, _("Checked."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return _back_to_paper(campaign)


@require_POST
def paper_enter(request: HttpRequest, pk: int) -> HttpResponse:
    _paper_user(request)
    campaign = _campaign(request, pk)
    community = selectors.paper_community_choices(request.user, campaign).filter(
        pk=request.POST.get("community") or 0).first()
    try:
        if community is None:
            raise ValidationError(_("Choose the community of the ballot box."))
        picks = [int(c) for c in request.POST.getlist("choice")]
        ballot = services.enter_paper_ballot(request.user, campaign, community=community,
                                             candidate_ids=picks,
                                             serial=request.POST.get("paper_serial", ""))
        messages.success(request, _("Paper ballot entered; a second officer must check it "
                                    "(%(receipt)s).") % {"receipt": ballot.receipt})
    except ValueError:
        messages.error(request, _("Choose projects from the list."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return _back_to_paper(campaign)


@require_POST
def paper_check(request: HttpRequest, pk: int, ballot_pk: str) -> HttpResponse:
    _paper_user(request)
    campaign = _campaign(request, pk)
    ballot = get_object_or_404(selectors.paper_ballots_for(request.user, campaign), pk=ballot_pk)
    try:
        services.check_paper_ballot(request.user, ballot, accept=request.POST.get("accept") == "1",
                                    reason=request.POST.get("reason", ""))
        messages.success(request, _("Checked."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    return _back_to_paper(campaign)


def dashboard_panel(request: HttpRequest) -> dict | None:
    if not perm.can_view(request.user):
        return None
    live = selectors.campaigns_for(request.user).exclude(phase=Campaign.Phase.CONFIRMED)[:3]
    if not live:
        return None
    return {"template": "voting/_dashboard_panel.html", "campaigns": [
        {"campaign": c, "turnout": selectors.turnout_total(selectors.turnout(c))} for c in live]}
