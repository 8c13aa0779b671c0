"""Paper ballots: the voter registered, the ballot entered and checked."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import User
from zoneops.core.services import audit

from .. import idcard
from .. import permissions as perm
from ..audit import VotingAction
from ..models import (
    Ballot,
    Campaign,
    Candidate,
    Community,
    PaperVoterRequest,
    Participation,
    RollEntry,
)
from .ballots import check_choices, new_ballot
from .base import fail, identity_hash, locked

# --- paper ballots -----------------------------------------------------------------------------

def _paper_open(campaign: Campaign) -> None:
    if campaign.phase not in (Campaign.Phase.VOTING, Campaign.Phase.COUNTING):
        fail("__all__", _("Paper ballots are entered while voting is open or being counted."))


@transaction.atomic
def register_paper_voter(actor: User, campaign: Campaign, *,
                         id_number: str) -> PaperVoterRequest:
    """At the community office: the resident shows their ID and an officer marks them as
    voting on paper. The mark waits for a second, different officer (confirm_paper_voter);
    until then it blocks nothing and counts nowhere. Refused if they already voted or are
    already waiting."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.phase != Campaign.Phase.VOTING:
        fail("__all__", _("Voting is not open."))
    problem = idcard.problem(id_number)
    if problem:
        fail("id_number", _("The ID number is not valid: %(problem)s.") % {"problem": _(problem)})
    entry = RollEntry.objects.filter(campaign=campaign,
                                     id_hash=identity_hash(campaign, id_number)).first()
    if entry is None:
        fail("id_number", _("This ID number is not on the roll of this campaign."))
    perm.require(perm.can_enter_paper(actor, entry.community))
    if Participation.objects.filter(campaign=campaign, roll_entry=entry).exists():
        fail("id_number", _("This resident has already voted in this campaign."),
             "already_voted")
    try:
        with transaction.atomic():
            request = PaperVoterRequest.objects.create(
                campaign=campaign, roll_entry=entry, requested_by=actor,
                requested_at=timezone.now())
    except IntegrityError:
        fail("id_number", _("This resident is already waiting for a second officer's "
                            "confirmation."), "pending")
    audit.record(actor, VotingAction.PAPER_VOTER_MARK, request, None,
                 {"community": str(entry.community)})
    return request


@transaction.atomic
def confirm_paper_voter(actor: User, request: PaperVoterRequest, *, accept: bool,
                        reason: str = "") -> PaperVoterRequest:
    """A second officer (never the one who marked) confirms the resident voted on paper —
    only then are they on the roll as a paper voter — or rejects the mark, saying why."""
    request = PaperVoterRequest.objects.select_for_update().select_related(
        "roll_entry__community", "campaign").get(pk=request.pk)
    perm.require(perm.can_enter_paper(actor, request.roll_entry.community))
    if request.requested_by_id == actor.pk:
        fail("__all__", _("A second officer must confirm a paper voter, not the one who "
                          "marked them."), "same_officer")
    if request.status != PaperVoterRequest.Status.PENDING:
        fail("__all__", _("This paper voter has already been decided."))
    if not accept and not reason.strip():
        fail("reason", _("Say why the mark is rejected."))
    if accept:
        if request.campaign.phase != Campaign.Phase.VOTING:
            fail("__all__", _("Voting is not open."))
        try:
            with transaction.atomic():
                Participation.objects.create(campaign=request.campaign,
                                             roll_entry=request.roll_entry,
                                             channel=Participation.Channel.PAPER)
        except IntegrityError:
            fail("__all__", _("This resident has already voted in this campaign."),
                 "already_voted")
    return audit.save_audited(actor, request, {
        "status": (PaperVoterRequest.Status.CONFIRMED if accept
                   else PaperVoterRequest.Status.REJECTED),
        "decided_by": actor, "decided_at": timezone.now(), "reason": reason.strip()[:300]},
        reason=reason.strip(),
        action=VotingAction.PAPER_VOTER_CONFIRM if accept else VotingAction.PAPER_VOTER_REJECT)


@transaction.atomic
def enter_paper_ballot(actor: User, campaign: Campaign, *, community: Community,
                       candidate_ids: Iterable[int], serial: str = "") -> Ballot:
    """An officer types in one paper ballot from the community's box. It counts only after a
    second officer has checked it. There can never be more paper ballots than residents
    marked as paper voters in that community."""
    perm.require(perm.can_enter_paper(actor, community))
    campaign = locked(campaign)
    _paper_open(campaign)
    picks = check_choices(campaign, candidate_ids)
    voters = Participation.objects.filter(campaign=campaign, roll_entry__community=community,
                                          channel=Participation.Channel.PAPER).count()
    entered = Ballot.objects.filter(campaign=campaign, community=community,
                                    channel=Participation.Channel.PAPER).exclude(
        status=Ballot.Status.REJECTED).count()
    if entered >= voters:
        fail("__all__", _("%(community)s has %(voters)s paper voters on the roll and "
                           "%(entered)s paper ballots already entered.")
              % {"community": community, "voters": voters, "entered": entered})
    serial = (serial or "").strip()[:40]
    if serial and Ballot.objects.filter(campaign=campaign, community=community,
                                        paper_serial=serial).exclude(
            status=Ballot.Status.REJECTED).exists():
        fail("paper_serial", _("A paper ballot with this number has already been entered."))
    ballot = new_ballot(campaign, picks, channel=Participation.Channel.PAPER,
                         status=Ballot.Status.PENDING_CHECK, community=community,
                         entered_by=actor, paper_serial=serial)
    audit.record(actor, VotingAction.PAPER_BALLOT, ballot, None,
                 {"community": str(community), "paper_serial": serial,
                  "choices": sorted(Candidate.objects.filter(pk__in=picks)
                                    .values_list("number", flat=True))})
    return ballot


@transaction.atomic
def check_paper_ballot(actor: User, ballot: Ballot, *, accept: bool, reason: str = "") -> Ballot:
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    perm.require(perm.can_check_paper(actor, ballot))
    if ballot.status != Ballot.Status.PENDING_CHECK:
        fail("__all__", _("This paper ballot has already been checked."))
    if not accept and not reason.strip():
        fail("reason", _("Say why the entry is rejected."))
    return audit.save_audited(actor, ballot, {
        "status": Ballot.Status.VALID if accept else Ballot.Status.REJECTED,
        "checked_by": actor}, reason=reason.strip(), action=VotingAction.CHECK)


