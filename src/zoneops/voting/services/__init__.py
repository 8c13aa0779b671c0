"""Every write in public voting: transactional, permission-checked, audited.

Administrative actions are audited with the acting person. A resident's own ballot is *not*
written to the audit trail: the trail would link the voter to the ballot (see models.py).
One module per group of actions; this package re-exports them so callers import `services`."""

from .ballots import (
    AlreadyVoted,
    cast_ballot,
    check_choices,
    rule_of,
    seal_ballots,
    verify,
    verify_wait_seconds,
    withdraw_ballot,
)
from .base import (
    ADDRESS_FAILURES,
    CAMPAIGN_FIELDS,
    DEV_PEPPER,
    IDENTITY_FAILURES,
    PHOTO_MAX_BYTES,
    RULE_FIELDS,
    VERIFY_DELAY_SECONDS,
    WINDOW,
    code_hash,
    identity_hash,
    pepper,
    receipt_digest,
)
from .campaigns import (
    NEXT_PHASE,
    add_photo,
    advance_phase,
    create_campaign,
    create_candidate,
    create_category,
    update_campaign,
    update_candidate,
    update_category,
)
from .counting import confirm_winners, count_votes, publish_results, tally
from .handover import hand_over_winners
from .paper import (
    check_paper_ballot,
    confirm_paper_voter,
    enter_paper_ballot,
    register_paper_voter,
)
from .roll import RollRow, import_roll, issue_codes

__all__ = [
    "ADDRESS_FAILURES", "CAMPAIGN_FIELDS", "DEV_PEPPER", "IDENTITY_FAILURES", "NEXT_PHASE",
    "PHOTO_MAX_BYTES", "RULE_FIELDS", "VERIFY_DELAY_SECONDS", "WINDOW", "AlreadyVoted", "RollRow",
    "add_photo", "advance_phase", "cast_ballot", "check_choices", "check_paper_ballot", "code_hash",
    "confirm_paper_voter",
    "confirm_winners", "count_votes", "enter_paper_ballot", "hand_over_winners", "identity_hash",
    "import_roll", "issue_codes", "pepper", "publish_results", "receipt_digest",
    "register_paper_voter", "rule_of", "create_campaign", "create_candidate", "create_category",
    "update_campaign", "update_candidate", "update_category",
    "seal_ballots", "tally", "verify", "verify_wait_seconds", "withdraw_ballot",
]
