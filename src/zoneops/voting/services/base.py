"""What every voting service shares: the pepper and keyed hashes, failures, locks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError

from .. import codes, idcard
from ..models import (
    Campaign,
    Participation,
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
CAMPAIGN_FIELDS = ("title", "description", "voting_starts_on", "voting_ends_on", *RULE_FIELDS)
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


def receipt_belongs(campaign: Campaign, took_part: Participation, receipt: str) -> bool:
    stored = took_part.receipt_digest
    if "$" in stored:
        return codes.receipt_matches(stored, receipt)
    # Digests written before receipts were hashed slowly: an HMAC under the pepper.
    return bool(stored) and stored == codes.keyed_hash(pepper(), "receipt", campaign.id_salt,
                                                       receipt)


def fail(field: str, message: str, code: str | None = None):
    raise ValidationError({field: [ValidationError(message, code=code)]})


def locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


