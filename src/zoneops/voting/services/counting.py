"""Counting, results and winners."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core.models import User
from zoneops.core.services import audit

from .. import permissions as perm
from .. import rules
from ..audit import VotingAction
from ..models import (
    Ballot,
    BallotChoice,
    Campaign,
    Participation,
    Result,
)
from .ballots import options_of, rule_of, seal_ballots
from .base import fail, locked

# --- counting, results, winners ----------------------------------------------------------------

def tally(campaign: Campaign) -> list[rules.Standing]:
    """Standings from the counted ballots (online, and checked paper ballots)."""
    online: dict[int, int] = {}
    paper: dict[int, int] = {}
    choices = BallotChoice.objects.filter(ballot__campaign=campaign,
                                          ballot__status=Ballot.Status.VALID)
    for candidate_id, channel in choices.values_list("candidate_id", "ballot__channel"):
        bucket = paper if channel == Participation.Channel.PAPER else online
        bucket[candidate_id] = bucket.get(candidate_id, 0) + 1
    return rules.standings(rule_of(campaign), options_of(campaign).values(), online, paper,
                           campaign.winners_wanted)


@transaction.atomic
def count_votes(actor: User, campaign: Campaign) -> list[Result]:
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    if campaign.phase != Campaign.Phase.COUNTING:
        fail("__all__", _("Votes are counted after voting has closed."))
    pending = campaign.ballots.filter(status=Ballot.Status.PENDING_CHECK).count()
    if pending:
        fail("__all__", _("%(n)s paper ballots still wait for the second officer's check.")
              % {"n": pending})
    seal_ballots(campaign, everything=True)
    standings = tally(campaign)
    campaign.results.all().delete()
    results = Result.objects.bulk_create(
        Result(campaign=campaign, candidate_id=s.option.id, online_votes=s.online,
               paper_votes=s.paper, rank=s.rank, computed_winner=s.winner,
               tie_broken=s.tie_broken) for s in standings)
    audit.record(actor, VotingAction.COUNT, campaign, None, {
        # Keys must not be names of the campaign's relations (see the audit history view).
        "counted_ballots": campaign.ballots.filter(status=Ballot.Status.VALID).count(),
        "winners": [s.option.number for s in standings if s.winner]})
    return results


@transaction.atomic
def publish_results(actor: User, campaign: Campaign) -> Campaign:
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    if campaign.phase != Campaign.Phase.COUNTING or not campaign.results.exists():
        fail("__all__", _("Count the votes before publishing the results."))
    return audit.save_audited(actor, campaign, {"phase": Campaign.Phase.RESULTS})


@transaction.atomic
def confirm_winners(actor: User, campaign: Campaign, *, winner_ids: Iterable[int],
                    reason: str = "") -> Campaign:
    """The committee confirms the winners. Any difference from the count (a cost overrun,
    incompatible projects, too few votes…) needs a recorded reason."""
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    if campaign.phase != Campaign.Phase.RESULTS:
        fail("__all__", _("Winners are confirmed after the results are published."))
    chosen = {int(i) for i in winner_ids}
    results = list(campaign.results.select_related("candidate"))
    by_candidate = {r.candidate_id: r for r in results}
    if chosen - set(by_candidate):
        fail("winners", _("A chosen winner is not a candidate of this campaign."))
    if not chosen:
        fail("winners", _("Choose at least one winner."))
    computed = {r.candidate_id for r in results if r.computed_winner}
    if chosen != computed and not reason.strip():
        fail("reason", _("The confirmed winners differ from the count: give the reason."))
    for r in results:
        r.confirmed_winner = r.candidate_id in chosen
    Result.objects.bulk_update(results, ["confirmed_winner"])
    number = {r.candidate_id: r.candidate.number for r in results}
    audit.record(actor, VotingAction.CONFIRM_WINNERS, campaign,
                 {"winners": sorted(number[i] for i in computed)},
                 {"winners": sorted(number[i] for i in chosen)}, reason=reason.strip())
    return audit.save_audited(actor, campaign, {"phase": Campaign.Phase.CONFIRMED})


