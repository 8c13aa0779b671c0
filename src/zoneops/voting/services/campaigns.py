"""Campaigns, categories, candidates and their photos, and the phases."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import AuditAction, User
from zoneops.core.services import audit

from .. import permissions as perm
from .. import photos
from ..models import (
    Campaign,
    Candidate,
    CandidatePhoto,
    Category,
)
from .ballots import seal_ballots
from .base import CAMPAIGN_FIELDS, PHOTO_MAX_BYTES, RULE_FIELDS, fail, locked

# --- campaigns ---------------------------------------------------------------------------------

def _check_rule(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("rule") == Campaign.Rule.APPROVAL and not data.get("max_picks"):
        errors["max_picks"] = _("The approval rule needs the number of projects a voter may "
                                "choose.")
    if data.get("rule") == Campaign.Rule.BUDGET:
        if not data.get("budget") or data["budget"] <= 0:
            errors["budget"] = _("The budget rule needs a budget per ballot above zero.")
        if not data.get("total_budget") or data["total_budget"] <= 0:
            errors["total_budget"] = _("The budget rule needs the funds available for "
                                       "winners.")
    if errors:
        raise ValidationError(errors)


def create_campaign(actor: User, data: Mapping[str, Any]) -> Campaign:
    """A new campaign (office) with its title, description and ballot rule."""
    return _write_campaign(actor, data, None)


def update_campaign(actor: User, campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    """Change a campaign. Its ballot rule is frozen once voting opens: changing it mid-vote
    would let early and late voters vote under different rules (CONSUL #5321)."""
    if campaign.pk is None:
        raise ValueError("update a saved campaign; create_campaign makes a new one")
    return _write_campaign(actor, data, campaign)


@transaction.atomic
def _write_campaign(actor: User, data: Mapping[str, Any], campaign: Campaign | None) -> Campaign:
    perm.require(perm.can_manage(actor))
    data = {k: v for k, v in data.items() if k in CAMPAIGN_FIELDS}
    if campaign is None:
        campaign = Campaign(id_salt=secrets.token_hex(16))
    else:
        campaign = locked(campaign)
        if campaign.rules_frozen:
            changed = [f for f in RULE_FIELDS if f in data and data[f] != getattr(campaign, f)]
            if changed:
                raise ValidationError({f: _("The ballot rules are frozen once voting opens.")
                                       for f in changed})
    merged = {f: data.get(f, getattr(campaign, f)) for f in RULE_FIELDS}
    _check_rule(merged)
    starts = data.get("voting_starts_on", campaign.voting_starts_on)
    ends = data.get("voting_ends_on", campaign.voting_ends_on)
    if starts and ends and ends < starts:
        raise ValidationError({"voting_ends_on": _("Voting cannot end before it starts.")})
    return audit.save_audited(actor, campaign, data)


def _editable_ballot(campaign: Campaign) -> None:
    if campaign.rules_frozen:
        raise ValidationError(_("The ballot is frozen once voting opens: categories and "
                                "candidates can no longer change."))


def create_category(actor: User, campaign: Campaign, data: Mapping[str, Any]) -> Category:
    """A new category of candidates, while the ballot is still open to change."""
    return _write_category(actor, campaign, data, Category(campaign=campaign))


def update_category(actor: User, category: Category, data: Mapping[str, Any]) -> Category:
    if category.pk is None:
        raise ValueError("update a saved category; create_category makes a new one")
    return _write_category(actor, category.campaign, data, category)


@transaction.atomic
def _write_category(actor: User, campaign: Campaign, data: Mapping[str, Any],
                    category: Category) -> Category:
    perm.require(perm.can_manage(actor))
    _editable_ballot(locked(campaign))
    return audit.save_audited(actor, category, {k: data[k] for k in
                                                ("name", "max_picks", "sort_order") if k in data})


def create_candidate(actor: User, campaign: Campaign, data: Mapping[str, Any]) -> Candidate:
    """A new candidate project (numbered next when no number is given)."""
    return _write_candidate(actor, campaign, data, None)


def update_candidate(actor: User, candidate: Candidate, data: Mapping[str, Any]) -> Candidate:
    if candidate.pk is None:
        raise ValueError("update a saved candidate; create_candidate makes a new one")
    return _write_candidate(actor, candidate.campaign, data, candidate)


@transaction.atomic
def _write_candidate(actor: User, campaign: Campaign, data: Mapping[str, Any],
                     candidate: Candidate | None) -> Candidate:
    perm.require(perm.can_manage(actor))
    _editable_ballot(locked(campaign))
    fields = ("number", "title", "description", "category", "community", "latitude",
              "longitude", "estimated_cost", "is_listed")
    changes = {k: data[k] for k in fields if k in data}
    if changes.get("category") is not None and changes["category"].campaign_id != campaign.pk:
        fail("category", _("The category belongs to another campaign."))
    if candidate is None:
        candidate = Candidate(campaign=campaign)
        if not changes.get("number"):
            last = campaign.candidates.order_by("-number").values_list("number", flat=True)
            changes["number"] = (last.first() or 0) + 1
    if changes.get("estimated_cost") is not None and changes["estimated_cost"] < 0:
        fail("estimated_cost", _("The estimated cost cannot be negative."))
    for field, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = changes.get(field)
        if value is not None and not low <= value <= high:
            fail(field, _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})
    if Candidate.objects.filter(campaign=campaign, number=changes.get("number", candidate.number)
                                ).exclude(pk=candidate.pk).exists():
        fail("number", _("Another candidate already has this number."))
    return audit.save_audited(actor, candidate, changes)


@transaction.atomic
def add_photo(actor: User, candidate: Candidate, *, upload: UploadedFile,
              caption: str = "") -> CandidatePhoto:
    perm.require(perm.can_manage(actor))
    if upload.size > PHOTO_MAX_BYTES:
        fail("image", _("A photo may be at most 5 MB."))
    try:
        image = photos.reencode(upload)
    except photos.NotAPhoto:
        fail("image", _("Only JPEG, PNG or WebP photos are accepted."))
    photo = CandidatePhoto(candidate=candidate, image=image, caption=caption[:200])
    photo.save()
    audit.record(actor, AuditAction.ATTACH, candidate, None, {"attachment": photo.image.name})
    return photo


# --- phases ------------------------------------------------------------------------------------

NEXT_PHASE = {
    Campaign.Phase.PROPOSALS: Campaign.Phase.CANDIDATES,
    Campaign.Phase.CANDIDATES: Campaign.Phase.VOTING,
    Campaign.Phase.VOTING: Campaign.Phase.COUNTING,
}


@transaction.atomic
def advance_phase(actor: User, campaign: Campaign, *, to: str) -> Campaign:
    """Publish candidates, open voting (which freezes the rules) or close voting. Phases only
    move forward; counting, publishing and confirming have their own functions."""
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    if NEXT_PHASE.get(campaign.phase) != to:
        fail("phase", _("The campaign cannot move from “%(now)s” to that phase.")
              % {"now": campaign.get_phase_display()})
    changes: dict[str, Any] = {"phase": to}
    if to == Campaign.Phase.CANDIDATES and not campaign.candidates.filter(is_listed=True).exists():
        fail("phase", _("List at least one candidate project first."))
    if to == Campaign.Phase.VOTING:
        listed = campaign.candidates.filter(is_listed=True).count()
        if listed < 2:
            fail("phase", _("A vote needs at least two candidate projects."))
        if not campaign.roll.exists():
            fail("phase", _("Import the resident roll before voting opens."))
        changes["rules_frozen_at"] = timezone.now()
    saved = audit.save_audited(actor, campaign, changes)
    if to == Campaign.Phase.COUNTING:
        seal_ballots(saved, everything=True)
    return saved


