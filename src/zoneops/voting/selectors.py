"""Reads shared by the staff pages, the public site and the API, scoped here."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zoneops.supervision import projects as supervision_projects

from . import permissions as perm
from .models import (
    Ballot,
    Campaign,
    Candidate,
    Community,
    HandOver,
    Participation,
    Result,
    RollEntry,
)


def campaigns_for(user) -> QuerySet[Campaign]:
    """The campaigns a member of staff may open (see permissions.CAMPAIGNS)."""
    return perm.CAMPAIGNS.restrict(user, "view")


def public_campaigns() -> QuerySet[Campaign]:
    """What residents see: everything past the proposal stage."""
    return Campaign.objects.exclude(phase=Campaign.Phase.PROPOSALS)


def listed_candidates(campaign: Campaign) -> QuerySet[Candidate]:
    return campaign.candidates.filter(is_listed=True).select_related(
        "category", "community", "hand_over").prefetch_related("photos")


def shuffled(items: list, seed: str) -> list:
    """The candidate order one voter sees: random per voter, the same on every visit of theirs
    (seeded by their session), so nobody's list always starts with the same project."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


@dataclass
class Turnout:
    community: Community
    on_roll: int
    online: int
    paper: int

    @property
    def voted(self) -> int:
        return self.online + self.paper

    @property
    def percent(self) -> float:
        return round(100 * self.voted / self.on_roll, 1) if self.on_roll else 0.0


def turnout(campaign: Campaign) -> list[Turnout]:
    """Residents on the roll and those who took part, per community — counts only."""
    roll = dict(RollEntry.objects.filter(campaign=campaign).values_list("community")
                .annotate(n=Count("id")).order_by())
    voted = Participation.objects.filter(campaign=campaign, withdrawn=False).values_list(
        "roll_entry__community").annotate(
        online=Count("id", filter=Q(channel=Participation.Channel.ONLINE)),
        paper=Count("id", filter=Q(channel=Participation.Channel.PAPER))).order_by()
    took_part = {c: (o, p) for c, o, p in voted}
    return [Turnout(c, roll.get(c.pk, 0), *took_part.get(c.pk, (0, 0)))
            for c in Community.objects.filter(pk__in=roll).select_related("unit")]


def turnout_total(rows: list[Turnout]) -> Turnout | None:
    if not rows:
        return None
    return Turnout(Community(name="—"), sum(r.on_roll for r in rows),
                   sum(r.online for r in rows), sum(r.paper for r in rows))


def results(campaign: Campaign) -> QuerySet[Result]:
    return campaign.results.select_related("candidate__category", "candidate__hand_over")


def paper_ballots_for(user, campaign: Campaign) -> QuerySet[Ballot]:
    return perm.PAPER_BALLOTS.restrict(user, queryset=campaign.ballots.filter(
        channel=Participation.Channel.PAPER).select_related(
        "community", "entered_by", "checked_by").prefetch_related("choices__candidate"))


def hand_overs(campaign: Campaign) -> QuerySet[HandOver]:
    return HandOver.objects.filter(candidate__campaign=campaign).select_related("candidate")


def ballot_export_rows(campaign: Campaign) -> list[list]:
    """Counted ballots for an export: receipt, channel, date, chosen numbers — and nothing
    that identifies the voter."""
    rows = []
    for ballot in campaign.ballots.filter(status=Ballot.Status.VALID).prefetch_related(
            "choices__candidate").order_by("receipt"):
        numbers = sorted(c.candidate.number for c in ballot.choices.all())
        rows.append([ballot.receipt, ballot.get_channel_display(), ballot.cast_on.isoformat(),
                     " ".join(str(n) for n in numbers)])
    return rows


def paper_community_choices(user, campaign: Campaign) -> QuerySet[Community]:
    return perm.COMMUNITIES.restrict(
        user, "enter_paper", Community.objects.filter(roll_entries__campaign=campaign).distinct())


def supervision_progress(hand_over) -> dict | None:
    """The supervised item's public progress for a handed-over project, if it has one."""
    if hand_over is None or not hand_over.item_ref:
        return None
    return supervision_projects.public_progress(hand_over.item_ref)
