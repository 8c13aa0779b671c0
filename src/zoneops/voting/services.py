"""Every write in public voting: transactional, permission-checked, audited.

Administrative actions are audited with the acting person. A resident's own ballot is *not*
written to the audit trail: the trail would link the voter to the ballot (see models.py)."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import Unit, User
from zoneops.core.services import audit
from zoneops.supervision import projects as supervision_projects

from . import codes, idcard, photos, rules
from . import permissions as perm
from .models import (
    Ballot,
    BallotChoice,
    Campaign,
    Candidate,
    CandidatePhoto,
    Category,
    Community,
    HandOver,
    HouseholdCode,
    Participation,
    Result,
    RollEntry,
    VerifyAttempt,
)

DEV_PEPPER = "zoneops-development-pepper"
# Verification throttle: failures within the window lock further attempts for that identity
# (or that client address) until the window has passed. See docs/user-guide/voting.md.
IDENTITY_FAILURES = 5
ADDRESS_FAILURES = 30
WINDOW = dt.timedelta(hours=1)
VERIFY_DELAY_SECONDS = 60  # the first wait past a limit; it doubles with each further failure
RULE_FIELDS = ("rule", "max_picks", "budget", "winners_wanted", "total_budget",
               "allow_recast", "live_results")
CAMPAIGN_FIELDS = ("title", "description", *RULE_FIELDS)
PHOTO_MAX_BYTES = 5 * 1024 * 1024


def pepper() -> str:
    # Set VOTING_ID_PEPPER per deployment; the default only suits development and the demo.
    return getattr(settings, "VOTING_ID_PEPPER", DEV_PEPPER) or DEV_PEPPER


def identity_hash(campaign: Campaign, id_number: str) -> str:
    return codes.keyed_hash(pepper(), "id", campaign.id_salt, idcard.normalize(id_number))


def code_hash(campaign: Campaign, community_id: int, household: str, code: str) -> str:
    return codes.keyed_hash(pepper(), "code", campaign.id_salt, str(community_id),
                            household, codes.normalize_code(code))


def receipt_digest(campaign: Campaign, receipt: str) -> str:
    """What a participation keeps of its ballot's receipt (see models.Participation)."""
    return codes.receipt_hash(receipt)


def _receipt_belongs(campaign: Campaign, took_part: Participation, receipt: str) -> bool:
    stored = took_part.receipt_digest
    if "$" in stored:
        return codes.receipt_matches(stored, receipt)
    # Digests written before receipts were hashed slowly: an HMAC under the pepper.
    return bool(stored) and stored == codes.keyed_hash(pepper(), "receipt", campaign.id_salt,
                                                       receipt)


def _fail(field: str, message: str, code: str | None = None):
    raise ValidationError({field: [ValidationError(message, code=code)]})


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


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


@transaction.atomic
def save_campaign(actor: User, data: dict[str, Any], campaign: Campaign | None = None,
                  ) -> Campaign:
    """Create or change a campaign. Its ballot rule is frozen once voting opens: changing it
    mid-vote would let early and late voters vote under different rules (CONSUL #5321)."""
    perm.require(perm.can_manage(actor))
    data = {k: v for k, v in data.items() if k in CAMPAIGN_FIELDS}
    if campaign is None:
        campaign = Campaign(id_salt=secrets.token_hex(16))
    else:
        campaign = _locked(campaign)
        if campaign.rules_frozen:
            changed = [f for f in RULE_FIELDS if f in data and data[f] != getattr(campaign, f)]
            if changed:
                raise ValidationError({f: _("The ballot rules are frozen once voting opens.")
                                       for f in changed})
    merged = {f: data.get(f, getattr(campaign, f)) for f in RULE_FIELDS}
    _check_rule(merged)
    return audit.save_audited(actor, campaign, data)


def _editable_ballot(campaign: Campaign) -> None:
    if campaign.rules_frozen:
        raise ValidationError(_("The ballot is frozen once voting opens: categories and "
                                "candidates can no longer change."))


@transaction.atomic
def save_category(actor: User, campaign: Campaign, data: dict[str, Any],
                  category: Category | None = None) -> Category:
    perm.require(perm.can_manage(actor))
    _editable_ballot(_locked(campaign))
    category = category or Category(campaign=campaign)
    return audit.save_audited(actor, category, {k: data[k] for k in
                                                ("name", "max_picks", "sort_order") if k in data})


@transaction.atomic
def save_candidate(actor: User, campaign: Campaign, data: dict[str, Any],
                   candidate: Candidate | None = None) -> Candidate:
    perm.require(perm.can_manage(actor))
    _editable_ballot(_locked(campaign))
    fields = ("number", "title", "description", "category", "community", "latitude",
              "longitude", "estimated_cost", "is_listed")
    changes = {k: data[k] for k in fields if k in data}
    if changes.get("category") is not None and changes["category"].campaign_id != campaign.pk:
        _fail("category", _("The category belongs to another campaign."))
    if candidate is None:
        candidate = Candidate(campaign=campaign)
        if not changes.get("number"):
            last = campaign.candidates.order_by("-number").values_list("number", flat=True)
            changes["number"] = (last.first() or 0) + 1
    if changes.get("estimated_cost") is not None and changes["estimated_cost"] < 0:
        _fail("estimated_cost", _("The estimated cost cannot be negative."))
    for field, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = changes.get(field)
        if value is not None and not low <= value <= high:
            _fail(field, _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})
    if Candidate.objects.filter(campaign=campaign, number=changes.get("number", candidate.number)
                                ).exclude(pk=candidate.pk).exists():
        _fail("number", _("Another candidate already has this number."))
    return audit.save_audited(actor, candidate, changes)


@transaction.atomic
def add_photo(actor: User, candidate: Candidate, upload, caption: str = "") -> CandidatePhoto:
    perm.require(perm.can_manage(actor))
    if upload.size > PHOTO_MAX_BYTES:
        _fail("image", _("A photo may be at most 5 MB."))
    try:
        image = photos.reencode(upload)
    except photos.NotAPhoto:
        _fail("image", _("Only JPEG, PNG or WebP photos are accepted."))
    photo = CandidatePhoto(candidate=candidate, image=image, caption=caption[:200])
    photo.save()
    audit.record(actor, "attach", candidate, None, {"attachment": photo.image.name})
    return photo


# --- phases ------------------------------------------------------------------------------------

NEXT_PHASE = {
    Campaign.Phase.PROPOSALS: Campaign.Phase.CANDIDATES,
    Campaign.Phase.CANDIDATES: Campaign.Phase.VOTING,
    Campaign.Phase.VOTING: Campaign.Phase.COUNTING,
}


@transaction.atomic
def advance_phase(actor: User, campaign: Campaign, to: str) -> Campaign:
    """Publish candidates, open voting (which freezes the rules) or close voting. Phases only
    move forward; counting, publishing and confirming have their own functions."""
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
    if NEXT_PHASE.get(campaign.phase) != to:
        _fail("phase", _("The campaign cannot move from “%(now)s” to that phase.")
              % {"now": campaign.get_phase_display()})
    changes: dict[str, Any] = {"phase": to}
    if to == Campaign.Phase.CANDIDATES and not campaign.candidates.filter(is_listed=True).exists():
        _fail("phase", _("List at least one candidate project first."))
    if to == Campaign.Phase.VOTING:
        listed = campaign.candidates.filter(is_listed=True).count()
        if listed < 2:
            _fail("phase", _("A vote needs at least two candidate projects."))
        if not campaign.roll.exists():
            _fail("phase", _("Import the resident roll before voting opens."))
        changes["rules_frozen_at"] = timezone.now()
    saved = audit.save_audited(actor, campaign, changes)
    if to == Campaign.Phase.COUNTING:
        seal_ballots(saved, everything=True)
    return saved


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
def import_roll(actor: User, campaign: Campaign, rows: list[RollRow],
                dry_run: bool = False) -> dict[str, int]:
    """Add residents to the roll, all or nothing. Communities named for the first time are
    created under the sub-district given in the row. Returns counts."""
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
    if campaign.at_least(Campaign.Phase.COUNTING):
        _fail("file", _("The roll cannot change after voting has closed."))
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
            audit.record(actor, "create", community, None, audit.snapshot(community))
            known[r.community] = community
            created_communities += 1
        entries.append(RollEntry(campaign=campaign, id_hash=identity_hash(campaign, r.id_number),
                                 name=r.name, household=r.household, community=community))
    RollEntry.objects.bulk_create(entries)
    counts = {"residents": len(entries), "communities": created_communities,
              "households": len({(e.community_id, e.household) for e in entries})}
    audit.record(actor, "import roll", campaign, None, counts)
    if dry_run:
        transaction.set_rollback(True)
    return counts


@transaction.atomic
def issue_codes(actor: User, campaign: Campaign, rng: random.Random | None = None,
                ) -> list[tuple[Community, str, str]]:
    """A voting code for every household on the roll that has none yet. Returns (community,
    household, code) — the only time the codes exist in clear: print them now."""
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
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
        audit.record(actor, "issue codes", campaign, None, {"households": len(issued)})
    return issued


# --- verification and online ballots -----------------------------------------------------------

def verify_wait_seconds(campaign: Campaign, identity: str, address: str | None,
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


def verify(campaign: Campaign, id_number: str, code: str, address: str | None = None,
           ) -> RollEntry:
    """The resident's ID number and their household's printed code, checked against the roll.
    Failures are counted per identity and address and per address; the message never tells
    which of the two was wrong, nor whether the ID number is on the roll.

    The attempt is recorded and counted under a lock on the campaign row before the code is
    checked, so parallel attempts cannot all slip past the count (a 30-way race let 6 through,
    issue 17); a successful check removes its own record, failures stay."""
    if campaign.phase != Campaign.Phase.VOTING:
        _fail("__all__", _("Voting is not open."), "closed")
    problem = idcard.problem(id_number)
    if problem:
        _fail("id_number", _("The ID number is not valid: %(problem)s.")
              % {"problem": _(problem)}, "format")
    identity = identity_hash(campaign, id_number)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        attempt = VerifyAttempt.objects.create(campaign=campaign, identity=identity,
                                               address=address, at=timezone.now())
        wait = verify_wait_seconds(campaign, identity, address, before_id=attempt.pk)
        entry = None if wait else RollEntry.objects.filter(campaign=campaign,
                                                           id_hash=identity).first()
        ok = entry is not None and HouseholdCode.objects.filter(
            campaign=campaign, community_id=entry.community_id, household=entry.household,
            code_hash=code_hash(campaign, entry.community_id, entry.household, code)).exists()
        if ok:
            attempt.delete()
    if wait:
        _fail("__all__", _("Too many failed attempts. Try again in %(seconds)s seconds, or vote "
                           "at your community office.") % {"seconds": wait}, "throttled")
    if not ok:
        _fail("__all__", _("The ID number and the voting code do not match the roll. Check "
                           "both and try again."), "mismatch")
    return entry


class AlreadyVoted(ValidationError):
    pass


def _options(campaign: Campaign) -> dict[int, rules.Option]:
    return {c.pk: c.as_option() for c in
            campaign.candidates.filter(is_listed=True).select_related("category")}


def rule_of(campaign: Campaign) -> rules.Rule:
    caps = {c.name: c.max_picks for c in campaign.categories.all() if c.max_picks is not None}
    return rules.Rule(campaign.rule, campaign.max_picks, campaign.budget, caps)


def _check_choices(campaign: Campaign, candidate_ids: Iterable[int]) -> list[int]:
    picks = [int(c) for c in candidate_ids]
    problems = rules.ballot_problems(rule_of(campaign), _options(campaign), picks)
    if problems:
        raise ValidationError({"choices": [_(p) for p in problems]})
    return picks


def _new_ballot(campaign: Campaign, picks: list[int], **fields) -> Ballot:
    ballot = Ballot.objects.create(campaign=campaign, receipt=codes.new_receipt(),
                                   cast_on=timezone.localdate(), **fields)
    BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, candidate_id=c) for c in picks)
    return ballot


def cast_ballot(campaign: Campaign, roll_entry_id: int, candidate_ids: Iterable[int]) -> Ballot:
    """A verified resident's online ballot. One per identity per campaign: the database's
    unique constraint on Participation decides between concurrent submissions."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.phase != Campaign.Phase.VOTING:
        _fail("__all__", _("Voting is not open."), "closed")
    picks = _check_choices(campaign, candidate_ids)
    try:
        with transaction.atomic():
            ballot = _new_ballot(campaign, picks, channel=Participation.Channel.ONLINE,
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
        ballot = _new_ballot(campaign, picks, channel=Participation.Channel.ONLINE,
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
def withdraw_ballot(campaign: Campaign, roll_entry_id: int, receipt: str) -> None:
    """The voter withdraws their own online ballot, proving it is theirs with the receipt."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.phase != Campaign.Phase.VOTING or not campaign.allow_recast:
        _fail("__all__", _("Ballots can only be withdrawn while voting is open, and only if "
                           "this campaign allows it."), "not_allowed")
    took_part = Participation.objects.select_for_update().filter(
        campaign=campaign, roll_entry_id=roll_entry_id, withdrawn=False,
        channel=Participation.Channel.ONLINE).first()
    receipt = codes.normalize_code(receipt)
    if took_part is None or not _receipt_belongs(campaign, took_part, receipt):
        _fail("receipt", _("This receipt does not belong to your current ballot."), "mismatch")
    # Unsealed again: this write shares a transaction with the participation's, so the ballot
    # goes back into the next shuffled batch.
    Ballot.objects.filter(campaign=campaign, receipt=receipt).update(
        status=Ballot.Status.WITHDRAWN, sealed=False)
    took_part.withdrawn = True
    took_part.receipt_digest = ""
    took_part.save(update_fields=["withdrawn", "receipt_digest"])


# --- paper ballots -----------------------------------------------------------------------------

def _paper_open(campaign: Campaign) -> None:
    if campaign.phase not in (Campaign.Phase.VOTING, Campaign.Phase.COUNTING):
        _fail("__all__", _("Paper ballots are entered while voting is open or being counted."))


@transaction.atomic
def register_paper_voter(actor: User, campaign: Campaign, id_number: str) -> Participation:
    """At the community office: the resident shows their ID and is marked on the roll as
    having voted on paper. Refused if they already voted (online or on paper)."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    if campaign.phase != Campaign.Phase.VOTING:
        _fail("__all__", _("Voting is not open."))
    problem = idcard.problem(id_number)
    if problem:
        _fail("id_number", _("The ID number is not valid: %(problem)s.") % {"problem": _(problem)})
    entry = RollEntry.objects.filter(campaign=campaign,
                                     id_hash=identity_hash(campaign, id_number)).first()
    if entry is None:
        _fail("id_number", _("This ID number is not on the roll of this campaign."))
    perm.require(perm.can_enter_paper(actor, entry.community))
    try:
        with transaction.atomic():
            took_part = Participation.objects.create(
                campaign=campaign, roll_entry=entry, channel=Participation.Channel.PAPER)
    except IntegrityError:
        _fail("id_number", _("This resident has already voted in this campaign."),
              "already_voted")
    audit.record(actor, "paper voter", took_part, None, {"community": str(entry.community)})
    return took_part


@transaction.atomic
def enter_paper_ballot(actor: User, campaign: Campaign, community: Community,
                       candidate_ids: Iterable[int], serial: str = "") -> Ballot:
    """An officer types in one paper ballot from the community's box. It counts only after a
    second officer has checked it. There can never be more paper ballots than residents
    marked as paper voters in that community."""
    perm.require(perm.can_enter_paper(actor, community))
    campaign = _locked(campaign)
    _paper_open(campaign)
    picks = _check_choices(campaign, candidate_ids)
    voters = Participation.objects.filter(campaign=campaign, roll_entry__community=community,
                                          channel=Participation.Channel.PAPER).count()
    entered = Ballot.objects.filter(campaign=campaign, community=community,
                                    channel=Participation.Channel.PAPER).exclude(
        status=Ballot.Status.REJECTED).count()
    if entered >= voters:
        _fail("__all__", _("%(community)s has %(voters)s paper voters on the roll and "
                           "%(entered)s paper ballots already entered.")
              % {"community": community, "voters": voters, "entered": entered})
    serial = (serial or "").strip()[:40]
    if serial and Ballot.objects.filter(campaign=campaign, community=community,
                                        paper_serial=serial).exclude(
            status=Ballot.Status.REJECTED).exists():
        _fail("paper_serial", _("A paper ballot with this number has already been entered."))
    ballot = _new_ballot(campaign, picks, channel=Participation.Channel.PAPER,
                         status=Ballot.Status.PENDING_CHECK, community=community,
                         entered_by=actor, paper_serial=serial)
    audit.record(actor, "paper ballot", ballot, None,
                 {"community": str(community), "paper_serial": serial,
                  "choices": sorted(Candidate.objects.filter(pk__in=picks)
                                    .values_list("number", flat=True))})
    return ballot


@transaction.atomic
def check_paper_ballot(actor: User, ballot: Ballot, accept: bool, reason: str = "") -> Ballot:
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    perm.require(perm.can_check_paper(actor, ballot))
    if ballot.status != Ballot.Status.PENDING_CHECK:
        _fail("__all__", _("This paper ballot has already been checked."))
    if not accept and not reason.strip():
        _fail("reason", _("Say why the entry is rejected."))
    return audit.save_audited(actor, ballot, {
        "status": Ballot.Status.VALID if accept else Ballot.Status.REJECTED,
        "checked_by": actor}, reason=reason.strip(), action="check")


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
    return rules.standings(rule_of(campaign), _options(campaign).values(), online, paper,
                           campaign.winners_wanted)


@transaction.atomic
def count_votes(actor: User, campaign: Campaign) -> list[Result]:
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
    if campaign.phase != Campaign.Phase.COUNTING:
        _fail("__all__", _("Votes are counted after voting has closed."))
    pending = campaign.ballots.filter(status=Ballot.Status.PENDING_CHECK).count()
    if pending:
        _fail("__all__", _("%(n)s paper ballots still wait for the second officer's check.")
              % {"n": pending})
    seal_ballots(campaign, everything=True)
    standings = tally(campaign)
    campaign.results.all().delete()
    results = Result.objects.bulk_create(
        Result(campaign=campaign, candidate_id=s.option.id, online_votes=s.online,
               paper_votes=s.paper, rank=s.rank, computed_winner=s.winner,
               tie_broken=s.tie_broken) for s in standings)
    audit.record(actor, "count", campaign, None, {
        # Keys must not be names of the campaign's relations (see the audit history view).
        "counted_ballots": campaign.ballots.filter(status=Ballot.Status.VALID).count(),
        "winners": [s.option.number for s in standings if s.winner]})
    return results


@transaction.atomic
def publish_results(actor: User, campaign: Campaign) -> Campaign:
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
    if campaign.phase != Campaign.Phase.COUNTING or not campaign.results.exists():
        _fail("__all__", _("Count the votes before publishing the results."))
    return audit.save_audited(actor, campaign, {"phase": Campaign.Phase.RESULTS})


@transaction.atomic
def confirm_winners(actor: User, campaign: Campaign, winner_ids: Iterable[int],
                    reason: str = "") -> Campaign:
    """The committee confirms the winners. Any difference from the count (a cost overrun,
    incompatible projects, too few votes…) needs a recorded reason."""
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
    if campaign.phase != Campaign.Phase.RESULTS:
        _fail("__all__", _("Winners are confirmed after the results are published."))
    chosen = {int(i) for i in winner_ids}
    results = list(campaign.results.select_related("candidate"))
    by_candidate = {r.candidate_id: r for r in results}
    if chosen - set(by_candidate):
        _fail("winners", _("A chosen winner is not a candidate of this campaign."))
    if not chosen:
        _fail("winners", _("Choose at least one winner."))
    computed = {r.candidate_id for r in results if r.computed_winner}
    if chosen != computed and not reason.strip():
        _fail("reason", _("The confirmed winners differ from the count: give the reason."))
    for r in results:
        r.confirmed_winner = r.candidate_id in chosen
    Result.objects.bulk_update(results, ["confirmed_winner"])
    number = {r.candidate_id: r.candidate.number for r in results}
    audit.record(actor, "confirm winners", campaign,
                 {"winners": sorted(number[i] for i in computed)},
                 {"winners": sorted(number[i] for i in chosen)}, reason=reason.strip())
    return audit.save_audited(actor, campaign, {"phase": Campaign.Phase.CONFIRMED})


# --- hand-over to three-list supervision -------------------------------------------------------

@transaction.atomic
def hand_over_winners(actor: User, campaign: Campaign, target: str) -> list[HandOver]:
    """Each confirmed winner becomes a published item of the chosen supervision list, with
    default milestones. Idempotent: a winner already handed over is skipped."""
    perm.require(perm.can_manage(actor))
    campaign = _locked(campaign)
    if campaign.phase != Campaign.Phase.CONFIRMED:
        _fail("__all__", _("Confirm the winners before handing them over."))
    target = (target or "").strip()
    if not target:
        _fail("target", _("Choose the supervision list."))
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
        audit.record(actor, "hand over", hand_over, None, audit.snapshot(hand_over))
        done.append(hand_over)
    return done
