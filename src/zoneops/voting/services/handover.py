"""Winners handed over to three-list supervision."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core.models import User
from zoneops.core.services import audit
from zoneops.supervision import projects as supervision_projects

from .. import permissions as perm
from ..audit import VotingAction
from ..models import (
    Campaign,
    Candidate,
    HandOver,
)
from .base import fail, locked

# --- hand-over to three-list supervision -------------------------------------------------------

@transaction.atomic
def hand_over_winners(actor: User, campaign: Campaign, *, target: str) -> list[HandOver]:
    """Each confirmed winner becomes a published item of the chosen supervision list, with
    default milestones. Idempotent: a winner already handed over is skipped."""
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    if campaign.phase != Campaign.Phase.CONFIRMED:
        fail("__all__", _("Confirm the winners before handing them over."))
    target = (target or "").strip()
    if not target:
        fail("target", _("Choose the supervision list."))
    done = []
    winners = Candidate.objects.filter(campaign=campaign, result__confirmed_winner=True,
                                       hand_over__isnull=True
                                       ).select_related("category", "community__unit")
    for candidate in winners:
        item = supervision_projects.create_item_from_project(
            actor, list_key=target, title=candidate.title, description=candidate.description,
            unit=candidate.community.unit if candidate.community else None,
            estimated_cost=candidate.estimated_cost, latitude=candidate.latitude,
            longitude=candidate.longitude, source=f"voting:{campaign.pk}:{candidate.number}")
        hand_over = HandOver.objects.create(
            candidate=candidate, target=target, status=HandOver.Status.CREATED,
            item_ref=str(item.pk), item_url=supervision_projects.item_url(item))
        audit.record(actor, VotingAction.HAND_OVER, hand_over, None, audit.snapshot(hand_over))
        done.append(hand_over)
    return done
