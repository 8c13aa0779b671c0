"""Verification and online ballots: cast, sealed apart from the voter, withdrawn."""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import codes, idcard, rules
from ..models import (
    Ballot,
    BallotChoice,
    Campaign,
    HouseholdCode,
    Participation,
    RollEntry,
    VerifyAttempt,
)
from .base import (
    ADDRESS_FAILURES,
    IDENTITY_FAILURES,
    VERIFY_DELAY_SECONDS,
    WINDOW,
    code_hash,
    fail,
    identity_hash,
    receipt_belongs,
    receipt_digest,
)

# --- verification and online ballots -----------------------------------------------------------

def verify_wait_seconds(campaign: Campaign, *, identity: str, address: str | None,
                        before_id: int | None = None) -> int:
    """How long this address must wait before trying this identity again (0: now).

    Failures count per identity *from one address* and per address, and past the limit each
    further attempt waits a doubling delay (at most an hour): someone guessing from another
    address can never keep a resident from verifying (issue 17)."""
    now = timezone.now()
    recent = VerifyAttempt.objects.filter(campaign=campaign, at__gte=now - WINDOW)
    if before_id is not None:
        recent = recent.filter(pk__lt=before_id)
    keys = [(recent.filter(identity=identity, address=address), IDENTITY_FAILURES)]
    if address:
        keys.append((recent.filter(address=address), ADDRESS_FAILURES))
    wait = 0.0
    for rows, limit in keys:
        times = list(rows.order_by("-at").values_list("at", flat=True)[:64])
        if len(times) >= limit:
            delay = min(WINDOW.total_seconds(), VERIFY_DELAY_SECONDS * 2 ** (len(times) - limit))
            wait = max(wait, (times[0] - now).total_seconds() + delay)
    return max(0, int(wait + 0.999))


def verify(campaign: Campaign, *, id_number: str, code: str, address: str | None = None,
           ) -> RollEntry:
    """The resident's ID number and their household's printed code, checked against the roll.
    Failures are counted per identity and address and per address; the message never tells
    which of the two was wrong, nor whether the ID number is on the roll.

    The attempt is recorded and counted under a lock on the campaign row before the code is
    checked, so parallel attempts cannot all slip past the count (a 30-way race let 6 through,
    issue 17); a successful check removes its own record, failures stay."""
    if campaign.phase != Campaign.Phase.VOTING:
        fail("__all__", _("Voting is not open."), "closed")
    problem = idcard.problem(id_number)
    if problem:
        fail("id_number", _("The ID number is not valid: %(problem)s.")
              % {"problem": _(problem)}, "format")
    identity = identity_hash(campaign, id_number)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        attempt = VerifyAttempt.objects.create(campaign=campaign, identity=identity,
                                               address=address, at=timezone.now())
        wait = verify_wait_seconds(campaign, identity=identity, address=address,
                                   before_id=attempt.pk)
        entry = None if wait else RollEntry.objects.filter(campaign=campaign,
                                                           id_hash=identity).first()
        ok = entry is not None and HouseholdCode.objects.filter(
            campaign=campaign, community_id=entry.community_id, household=entry.household,
            code_hash=code_hash(campaign, entry.community_id, entry.household, code)).exists()
        if ok:
            attempt.delete()
    if wait:
        fail("__all__", _("Too many failed attempts. Try again in %(seconds)s seconds, or vote "
                           "at your community office.") % {"seconds": wait}, "throttled")
    if not ok:
        fail("__all__", _("The ID number and the voting code do not match the roll. Check "
                           "both and try again."), "mismatch")
    return entry


class AlreadyVoted(ValidationError):
    pass


def options_of(campaign: Campaign) -> dict[int, rules.Option]:
    return {c.pk: c.as_option() for c in
            campaign.candidates.filter(is_listed=True).select_related("category")}


def rule_of(campaign: Campaign) -> rules.Rule:
    caps = {c.name: c.max_picks for c in campaign.categories.all() if c.max_picks is not None}
    return rules.Rule(campaign.rule, campaign.max_picks, campaign.budget, caps)


def check_choices(campaign: Campaign, candidate_ids: Iterable[int]) -> list[int]:
    picks = [int(c) for c in candidate_ids]
    problems = rules.ballot_problems(rule_of(campaign), options_of(campaign), picks)
    if problems:
        raise ValidationError({"choices": [_(p) for p in problems]})
    return picks


def new_ballot(campaign: Campaign, picks: list[int], **fields) -> Ballot:
    ballot = Ballot.objects.create(campaign=campaign, receipt=codes.new_receipt(),
                                   cast_on=timezone.localdate(), **fields)
    BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, candidate_id=c) for c in picks)
    return ballot


def cast_ballot(campaign: Campaign, *, roll_entry_id: int, candidate_ids: Iterable[int]) -> Ballot:
    """A verified resident's online ballot. One per identity per campaign: the database's
    unique constraint on Participation decides between concurrent submissions."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.phase != Campaign.Phase.VOTING:
        fail("__all__", _("Voting is not open."), "closed")
    picks = check_choices(campaign, candidate_ids)
    try:
        with transaction.atomic():
            ballot = new_ballot(campaign, picks, channel=Participation.Channel.ONLINE,
                                 status=Ballot.Status.VALID)
            Participation.objects.create(
                campaign=campaign, roll_entry_id=roll_entry_id,
                channel=Participation.Channel.ONLINE,
                receipt_digest=receipt_digest(campaign, ballot.receipt))
        _seal_when_a_batch_is_full(campaign)
        return ballot
    except IntegrityError:
        pass
    # This identity has taken part before: only a withdrawn online ballot may be recast.
    with transaction.atomic():
        took_part = Participation.objects.select_for_update().get(
            campaign=campaign, roll_entry_id=roll_entry_id)
        if not (took_part.withdrawn and campaign.allow_recast):
            raise AlreadyVoted({"__all__": [ValidationError(
                _("You have already voted in this campaign. Each resident votes once."),
                code="already_voted")]})
        ballot = new_ballot(campaign, picks, channel=Participation.Channel.ONLINE,
                             status=Ballot.Status.VALID)
        took_part.withdrawn = False
        took_part.receipt_digest = receipt_digest(campaign, ballot.receipt)
        took_part.save(update_fields=["withdrawn", "receipt_digest"])
    _seal_when_a_batch_is_full(campaign)
    return ballot


def _seal_when_a_batch_is_full(campaign: Campaign) -> None:
    batch = int(getattr(settings, "VOTING_SEAL_BATCH", 10))
    if Ballot.objects.filter(campaign=campaign, channel=Participation.Channel.ONLINE,
                             sealed=False).count() >= batch:
        seal_ballots(campaign)


def seal_ballots(campaign: Campaign, *, everything: bool = False) -> int:
    """Rewrite the unsealed online ballots (with `everything`, all of the campaign's online
    ballots) in shuffled order, in one transaction of their own: every rewritten row gets this
    transaction's id (PostgreSQL `xmin`) and a place in the table that says nothing about when
    it was cast, and the choices get new random ids. Keys, receipts and statuses stay.
    Returns how many ballots were rewritten. Runs when a batch is full and, over everything,
    when voting closes and before the count, so the last voters are not a small batch."""
    with transaction.atomic():
        rows = Ballot.objects.select_for_update().filter(
            campaign=campaign, channel=Participation.Channel.ONLINE)
        if not everything:
            rows = rows.filter(sealed=False)
        ballots = list(rows)
        if not ballots:
            return 0
        picks = {b.pk: [] for b in ballots}
        for ballot_id, candidate_id in BallotChoice.objects.filter(
                ballot_id__in=list(picks)).values_list("ballot_id", "candidate_id"):
            picks[ballot_id].append(candidate_id)
        Ballot.objects.filter(pk__in=list(picks)).delete()  # choices go with them (CASCADE)
        shuffle = random.SystemRandom().shuffle
        shuffle(ballots)
        for ballot in ballots:
            ballot.sealed = True
        Ballot.objects.bulk_create(ballots)
        choices = [BallotChoice(ballot_id=b.pk, candidate_id=c) for b in ballots
                   for c in picks[b.pk]]
        shuffle(choices)
        BallotChoice.objects.bulk_create(choices)
        return len(ballots)


@transaction.atomic
def withdraw_ballot(campaign: Campaign, *, roll_entry_id: int, receipt: str) -> None:
    """The voter withdraws their own online ballot, proving it is theirs with the receipt."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.phase != Campaign.Phase.VOTING or not campaign.allow_recast:
        fail("__all__", _("Ballots can only be withdrawn while voting is open, and only if "
                           "this campaign allows it."), "not_allowed")
    took_part = Participation.objects.select_for_update().filter(
        campaign=campaign, roll_entry_id=roll_entry_id, withdrawn=False,
        channel=Participation.Channel.ONLINE).first()
    receipt = codes.normalize_code(receipt)
    if took_part is None or not receipt_belongs(campaign, took_part, receipt):
        fail("receipt", _("This receipt does not belong to your current ballot."), "mismatch")
    # Unsealed again: this write shares a transaction with the participation's, so the ballot
    # goes back into the next shuffled batch.
    Ballot.objects.filter(campaign=campaign, receipt=receipt).update(
        status=Ballot.Status.WITHDRAWN, sealed=False)
    took_part.withdrawn = True
    took_part.receipt_digest = ""
    took_part.save(update_fields=["withdrawn", "receipt_digest"])


