"""The resident roll and the household codes."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core.models import AuditAction, Unit, User
from zoneops.core.services import audit

from .. import codes
from .. import permissions as perm
from ..audit import VotingAction
from ..models import (
    Campaign,
    Community,
    HouseholdCode,
    RollEntry,
)
from .base import code_hash, fail, identity_hash, locked

# --- the resident roll -------------------------------------------------------------------------

@dataclass(frozen=True)
class RollRow:
    """One validated row of a roll spreadsheet (roll_import.parse)."""
    row: int
    name: str
    id_number: str
    household: str
    community: str
    subdistrict: Unit | None


@transaction.atomic
def import_roll(actor: User, campaign: Campaign, *, rows: list[RollRow],
                dry_run: bool = False) -> dict[str, int]:
    """Add residents to the roll, all or nothing. Communities named for the first time are
    created under the sub-district given in the row. Returns counts."""
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    if campaign.at_least(Campaign.Phase.COUNTING):
        fail("file", _("The roll cannot change after voting has closed."))
    problems: list[str] = []
    known = {c.name: c for c in Community.objects.all()}
    hashes = set(campaign.roll.values_list("id_hash", flat=True))
    seen: dict[str, int] = {}
    new_units: dict[str, Unit] = {}  # communities this file introduces, with their unit
    for r in rows:
        digest = identity_hash(campaign, r.id_number)
        if digest in hashes:
            problems.append(_("row %(row)s: this ID number is already on the roll")
                            % {"row": r.row})
        if digest in seen:
            problems.append(_("row %(row)s: the same ID number as row %(other)s")
                            % {"row": r.row, "other": seen[digest]})
        seen.setdefault(digest, r.row)
        community = known.get(r.community)
        if community is None and r.subdistrict is not None:
            new_units.setdefault(r.community, r.subdistrict)
        if community is None and r.subdistrict is None and r.community not in new_units:
            problems.append(_("row %(row)s: community “%(name)s” is new; give its sub-district")
                            % {"row": r.row, "name": r.community})
        elif community is not None and r.subdistrict and community.unit_id != r.subdistrict.pk:
            problems.append(_("row %(row)s: community “%(name)s” belongs to %(unit)s")
                            % {"row": r.row, "name": r.community, "unit": community.unit})
    if not rows:
        problems.append(_("the file has no residents"))
    if problems:
        raise ValidationError({"file": problems})
    created_communities = 0
    entries = []
    for r in rows:
        community = known.get(r.community)
        if community is None:
            community = Community.objects.create(name=r.community, unit=new_units[r.community])
            audit.record(actor, AuditAction.CREATE, community, None, audit.snapshot(community))
            known[r.community] = community
            created_communities += 1
        entries.append(RollEntry(campaign=campaign, id_hash=identity_hash(campaign, r.id_number),
                                 name=r.name, household=r.household, community=community))
    RollEntry.objects.bulk_create(entries)
    counts = {"residents": len(entries), "communities": created_communities,
              "households": len({(e.community_id, e.household) for e in entries})}
    audit.record(actor, VotingAction.IMPORT_ROLL, campaign, None, counts)
    if dry_run:
        transaction.set_rollback(True)
    return counts


@transaction.atomic
def issue_codes(actor: User, campaign: Campaign, *, rng: random.Random | None = None,
                ) -> list[tuple[Community, str, str]]:
    """A voting code for every household on the roll that has none yet. Returns (community,
    household, code) — the only time the codes exist in clear: print them now."""
    perm.require(perm.can_manage(actor))
    campaign = locked(campaign)
    have = set(campaign.codes.values_list("community_id", "household"))
    households = sorted(set(campaign.roll.values_list("community_id", "household")) - have)
    communities = Community.objects.in_bulk({c for c, _h in households})
    issued, rows = [], []
    for community_id, household in households:
        code = codes.new_code(rng)
        rows.append(HouseholdCode(campaign=campaign, community_id=community_id,
                                  household=household,
                                  code_hash=code_hash(campaign, community_id, household, code)))
        issued.append((communities[community_id], household, code))
    HouseholdCode.objects.bulk_create(rows)
    if issued:
        audit.record(actor, VotingAction.ISSUE_CODES, campaign, None, {"households": len(issued)})
    return issued


