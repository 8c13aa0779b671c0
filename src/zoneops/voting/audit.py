"""The actions public voting records in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class VotingAction(models.TextChoices):
    IMPORT_ROLL = "import roll", pgettext_lazy("audit action", "Resident roll imported")
    ISSUE_CODES = "issue codes", pgettext_lazy("audit action", "Voting codes issued")
    PAPER_VOTER = "paper voter", pgettext_lazy("audit action", "Paper voter recorded")
    PAPER_BALLOT = "paper ballot", pgettext_lazy("audit action", "Paper ballot entered")
    CHECK = "check", pgettext_lazy("audit action", "Checked")
    COUNT = "count", pgettext_lazy("audit action", "Votes counted")
    CONFIRM_WINNERS = "confirm winners", pgettext_lazy("audit action", "Winners confirmed")
    HAND_OVER = "hand over", pgettext_lazy("audit action", "Handed over")
    PAPER_VOTER_MARK = "paper voter mark", pgettext_lazy(
        "audit action", "Paper voter marked (to confirm)")
    PAPER_VOTER_CONFIRM = "paper voter confirm", pgettext_lazy(
        "audit action", "Paper voter confirmed")
    PAPER_VOTER_REJECT = "paper voter reject", pgettext_lazy(
        "audit action", "Paper voter rejected")
