"""Voting API: campaigns and results for staff (the same permissions as the pages), and the
published results for anyone (after publication only)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from . import permissions as perm
from . import selectors
from .models import Campaign

router = Router(tags=["voting"])


class CampaignOut(Schema):
    id: int
    title: str
    phase: str
    rule: str
    max_picks: int | None
    budget: Decimal | None
    winners_wanted: int | None
    allow_recast: bool
    rules_frozen: bool
    candidates: int
    roll: int

    @staticmethod
    def resolve_candidates(obj: Campaign) -> int:
        return obj.candidates.filter(is_listed=True).count()

    @staticmethod
    def resolve_roll(obj: Campaign) -> int:
        return obj.roll.count()


class ResultOut(Schema):
    number: int
    title: str
    category: str
    online_votes: int
    paper_votes: int
    total: int
    rank: int
    computed_winner: bool
    tie_broken: bool
    confirmed_winner: bool | None


class TurnoutOut(Schema):
    community: str
    on_roll: int
    online: int
    paper: int
    percent: float


class ResultsOut(Schema):
    campaign: str
    phase: str
    tie_rule: str
    results: list[ResultOut]
    turnout: list[TurnoutOut]


TIE_RULE = ("equal totals are ordered by lower estimated cost, then by lower candidate "
            "number")


def _results(campaign: Campaign) -> dict:
    return {
        "campaign": campaign.title, "phase": campaign.phase, "tie_rule": TIE_RULE,
        "results": [{"number": r.candidate.number, "title": r.candidate.title,
                     "category": r.candidate.category.name, "online_votes": r.online_votes,
                     "paper_votes": r.paper_votes, "total": r.total, "rank": r.rank,
                     "computed_winner": r.computed_winner, "tie_broken": r.tie_broken,
                     "confirmed_winner": r.confirmed_winner}
                    for r in selectors.results(campaign)],
        "turnout": [{"community": t.community.name, "on_roll": t.on_roll, "online": t.online,
                     "paper": t.paper, "percent": t.percent}
                    for t in selectors.turnout(campaign)],
    }


def _staff_campaign(request, pk: int) -> Campaign:
    if not perm.can_view(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.campaigns_for(request.user), pk=pk)


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request):
    if not perm.can_view(request.user):
        raise PermissionDenied
    return list(selectors.campaigns_for(request.user))


@router.get("/campaigns/{pk}", response=CampaignOut)
def get_campaign(request, pk: int):
    return _staff_campaign(request, pk)


@router.get("/campaigns/{pk}/results", response=ResultsOut)
def campaign_results(request, pk: int):
    """Counted results for staff, from the count on (before publication too)."""
    return _results(_staff_campaign(request, pk))


@router.get("/public/campaigns/{pk}/results", response=ResultsOut, auth=None)
def public_results(request, pk: int):
    """Anyone: only once the results are published."""
    campaign = get_object_or_404(selectors.public_campaigns(), pk=pk)
    if not campaign.at_least(Campaign.Phase.RESULTS):
        raise Http404
    return _results(campaign)
