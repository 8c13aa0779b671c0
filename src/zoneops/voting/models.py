"""Public voting: campaigns, candidates, the resident roll, ballots, results, hand-overs.

Privacy design (see docs/user-guide/voting.md): who voted (`Participation`, one row per
identity per campaign, unique in the database) and what was chosen (`Ballot` + `BallotChoice`)
are separate tables with no foreign key between them. Ballots have random UUID keys and a
date, not a time, so neither key order nor timestamps line a ballot up with a participation.
The only bridge is `Participation.receipt_digest`, a salted slow hash of the ballot's receipt:
it lets the voter (who holds the receipt) withdraw their own ballot, and following it for every
voter costs ballots x participations slow hashes. Online ballots are rewritten in shuffled
batches by a transaction of their own (`Ballot.sealed`), so PostgreSQL's `xmin` and the
physical row order do not join them to participations either (issue 17).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class Community(models.Model):
    """A residents' community (社区), belonging to a sub-district unit whose staff serve it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.ForeignKey("core.Unit", verbose_name=_("sub-district"), on_delete=models.PROTECT,
                             related_name="communities")

    class Meta:
        ordering = ["unit__sort_order", "unit__code", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    class Phase(models.TextChoices):
        PROPOSALS = "proposals", _("Collecting proposals")
        CANDIDATES = "candidates", _("Candidates published")
        VOTING = "voting", _("Voting open")
        COUNTING = "counting", _("Counting")
        RESULTS = "results", _("Results published")
        CONFIRMED = "confirmed", _("Winners confirmed")

    class Rule(models.TextChoices):
        APPROVAL = rules.APPROVAL, _("Approval: choose up to a set number of projects")
        BUDGET = rules.BUDGET, _("Budget: spend up to an amount")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices,
                             default=Phase.PROPOSALS)
    rule = models.CharField(_("ballot rule"), max_length=20, choices=Rule.choices,
                            default=Rule.APPROVAL)
    max_picks = models.PositiveIntegerField(_("most projects per ballot"), null=True, blank=True)
    budget = models.DecimalField(_("budget per ballot (yuan)"), max_digits=14, decimal_places=2,
                                 null=True, blank=True)
    winners_wanted = models.PositiveIntegerField(
        _("number of winners"), null=True, blank=True,
        help_text=_("Approval rule: how many projects win. Budget rule: leave empty."))
    total_budget = models.DecimalField(
        _("funds available (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Budget rule: winners are taken in rank order while they fit."))
    allow_recast = models.BooleanField(
        _("voters may withdraw and vote again while voting is open"), default=False)
    live_results = models.BooleanField(
        _("show counts while voting is open"), default=False,
        help_text=_("Usually off: counts stay hidden until voting closes."))
    # The voting period as announced to residents (shown on every public page).
    voting_starts_on = models.DateField(_("voting starts on"), null=True, blank=True)
    voting_ends_on = models.DateField(_("voting ends on"), null=True, blank=True)
    rules_frozen_at = models.DateTimeField(_("rules frozen at"), null=True, blank=True)
    id_salt = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    PHASE_ORDER = [p.value for p in Phase]

    def phase_index(self) -> int:
        return self.PHASE_ORDER.index(self.phase)

    def at_least(self, phase: str) -> bool:
        return self.phase_index() >= self.PHASE_ORDER.index(phase)

    @property
    def rules_frozen(self) -> bool:
        return self.rules_frozen_at is not None or self.at_least(self.Phase.VOTING)

    @property
    def rule_text(self) -> str:
        """The ballot rule with its real number: 最多选5项 / 合计不超过 ¥…"""
        from django.utils.formats import number_format
        from django.utils.translation import gettext

        if self.rule == self.Rule.APPROVAL:
            return gettext("Choose up to %(n)s projects.") % {"n": self.max_picks or 0}
        return gettext("Choose projects costing up to ¥%(b)s in total.") % {
            "b": number_format(self.budget or 0, 0, force_grouping=True)}

    @property
    def results_public(self) -> bool:
        return self.at_least(self.Phase.RESULTS) or (
            self.live_results and self.at_least(self.Phase.VOTING))


class Category(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=50)
    max_picks = models.PositiveIntegerField(_("most projects in this category"), null=True,
                                            blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"],
                                               name="voting_category_unique_name")]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="candidates")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="candidates")
    community = models.ForeignKey(Community, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="candidates")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    estimated_cost = models.DecimalField(_("estimated cost (yuan)"), max_digits=14,
                                         decimal_places=2)
    is_listed = models.BooleanField(
        _("on the ballot"), default=True,
        help_text=_("Screened out proposals stay on record but are not voted on."))

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"],
                                               name="voting_candidate_unique_number")]
        verbose_name = _("candidate project")
        verbose_name_plural = _("candidate projects")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def as_option(self) -> rules.Option:
        return rules.Option(self.pk, self.number, self.category.name, self.estimated_cost)


def photo_path(instance: CandidatePhoto, filename: str) -> str:
    return f"voting/{instance.candidate.campaign_id}/{uuid.uuid4().hex}-{filename[-40:]}"


class CandidatePhoto(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class RollEntry(models.Model):
    """A resident on the roll. The ID number itself is never stored: only a keyed hash."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="roll")
    id_hash = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=50)
    household = models.CharField(_("household / address"), max_length=200)
    community = models.ForeignKey(Community, verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="roll_entries")

    class Meta:
        ordering = ["community", "household", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "id_hash"],
                                               name="voting_roll_unique_identity")]
        verbose_name = _("roll entry")
        verbose_name_plural = _("resident roll")

    def __str__(self) -> str:
        return f"{self.name} · {self.community}"


class HouseholdCode(models.Model):
    """The one voting code printed for a household; stored as a keyed hash only."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    household = models.CharField(_("household / address"), max_length=200)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "community", "household"],
                                               name="voting_code_unique_household")]
        verbose_name = _("household voting code")
        verbose_name_plural = _("household voting codes")

    def __str__(self) -> str:
        return f"{self.community} {self.household}"


class VerifyAttempt(models.Model):
    """One failed verification, counted per identity and per client address for throttling."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    identity = models.CharField(max_length=64, db_index=True)  # keyed hash; not the number
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed verification")
        verbose_name_plural = _("failed verifications")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class Participation(models.Model):
    """That a resident took part (online or on paper) — never what they chose."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE,
                                 related_name="participations")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT,
                                   related_name="participations")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    withdrawn = models.BooleanField(default=False)
    # A salted, deliberately slow hash of the current online ballot's receipt (empty for paper):
    # the voter proves a ballot is theirs with the receipt, but matching all ballots against all
    # participations costs ballots x participations slow hashes, even with the pepper.
    receipt_digest = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "roll_entry"],
                                               name="voting_one_ballot_per_identity")]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.roll_entry} ({self.get_channel_display()})"


class PaperVoterRequest(models.Model):
    """One officer marks a resident as voting on paper; it takes effect (a Participation,
    which blocks an online vote) only when a second, different officer confirms it, so one
    officer alone cannot block anybody's online vote (issue 17)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a second officer")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE,
                                 related_name="paper_voter_requests")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("marked by"))
    requested_at = models.DateTimeField(_("marked at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("confirmed by"))
    decided_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["campaign", "roll_entry"], condition=models.Q(status="pending"),
            name="voting_one_pending_paper_voter")]
        verbose_name = _("paper voter")
        verbose_name_plural = _("paper voters")

    def __str__(self) -> str:  # stored in the audit trail: no words of one language
        return str(self.roll_entry)


class Ballot(models.Model):
    class Status(models.TextChoices):
        PENDING_CHECK = "pending", _("Waiting for the second officer's check")
        VALID = "valid", _("Counted")
        REJECTED = "rejected", _("Rejected at check")
        WITHDRAWN = "withdrawn", _("Withdrawn by the voter")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    receipt = models.CharField(_("receipt"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Participation.Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    cast_on = models.DateField(_("date"))
    # Paper ballots only: where, who entered, who checked.
    community = models.ForeignKey(Community, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    paper_serial = models.CharField(_("paper ballot number"), max_length=40, blank=True)
    # Online ballots are written in the voter's transaction (so that one participation always
    # has exactly one ballot) and later rewritten, with others, in shuffled order by one
    # transaction of their own (services.seal_ballots): after that, no transaction id,
    # physical order or column joins a ballot to its participation.
    sealed = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["receipt"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return self.receipt


class BallotChoice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "candidate"],
                                               name="voting_choice_once_per_ballot")]

    def __str__(self) -> str:
        return str(self.candidate_id)


class Result(models.Model):
    """The count of one candidate, as computed, and the committee's confirmed decision."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="result")
    online_votes = models.PositiveIntegerField(_("online votes"))
    paper_votes = models.PositiveIntegerField(_("paper votes"))
    rank = models.PositiveIntegerField(_("rank"))
    computed_winner = models.BooleanField(_("winner by the count"))
    tie_broken = models.BooleanField(_("decided by the tie rule"), default=False)
    confirmed_winner = models.BooleanField(_("confirmed winner"), null=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.rank}. {self.candidate.title}"

    @property
    def total(self) -> int:
        return self.online_votes + self.paper_votes


class HandOver(models.Model):
    """A confirmed winner handed to three-list supervision, and the item it became."""

    class Status(models.TextChoices):
        CREATED = "created", _("Supervision item created")

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT,
                                     related_name="hand_over")
    target = models.CharField(_("supervision list"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    item_ref = models.CharField(_("supervision item"), max_length=100, blank=True)
    item_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate__number"]
        verbose_name = _("hand-over to supervision")
        verbose_name_plural = _("hand-overs to supervision")

    def __str__(self) -> str:
        return f"{self.candidate} → {self.target}"
