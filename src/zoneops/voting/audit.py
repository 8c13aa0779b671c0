"""The actions public voting records in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class VotingAction(models.TextChoices):
    PAPER_VOTER_MARK = "paper voter mark", pgettext_lazy(
        "audit action", "Paper voter marked (to confirm)")
    PAPER_VOTER_CONFIRM = "paper voter confirm", pgettext_lazy(
        "audit action", "Paper voter confirmed")
    PAPER_VOTER_REJECT = "paper voter reject", pgettext_lazy(
        "audit action", "Paper voter rejected")
