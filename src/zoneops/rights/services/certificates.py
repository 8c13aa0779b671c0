"""Electronic certificates (排污权电子凭证), issued inside the transaction of the movement they
document: one for every movement into an enterprise's account; when rights leave an
enterprise's account, its certificates whose period the movement touches are superseded and
one restated certificate states the least it still holds over their period."""

from __future__ import annotations

import secrets

from django.utils import timezone

from zoneops.core.models import User
from zoneops.core.services.audit import record, snapshot

from .. import selectors
from ..audit import RightsAction
from ..models import Certificate, Movement

# No 0/O, 1/I/L: a code read off paper and typed in by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 7.9e17: not guessable at any rate a public page allows


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed → the stored form (spaces and dashes dropped, upper case)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _number(movement: Movement, restated: bool) -> str:
    """PWQ-YYYY-NNNNNN after the movement's year and number (unique without a counter to race
    on); a restatement adds -R."""
    year = timezone.localtime(movement.created_at).year
    return f"PWQ-{year}-{movement.pk:06d}{'-R' if restated else ''}"


def _issue(actor: User, movement: Movement, *, quantity, valid_from, valid_to,
           restated: bool) -> Certificate:
    certificate = Certificate.objects.create(
        number=_number(movement, restated), code=new_code(), movement=movement,
        restated=restated, enterprise_id=(movement.source if restated else movement.target
                                          ).enterprise_id,
        pollutant=movement.source.pollutant, quantity=quantity, valid_from=valid_from,
        valid_to=valid_to, legal_basis=movement.legal_basis)
    record(actor, RightsAction.CERTIFICATE, certificate, None, snapshot(certificate),
           movement.legal_basis)
    return certificate


def issue_for(actor: User, movement: Movement) -> list[Certificate]:
    """The certificates a new movement calls for (the caller holds its transaction)."""
    issued = []
    if movement.source.enterprise_id is not None:
        touched = list(Certificate.objects.select_for_update().filter(
            enterprise_id=movement.source.enterprise_id, pollutant=movement.source.pollutant,
            superseded_by__isnull=True, valid_from__lte=movement.valid_to,
            valid_to__gte=movement.valid_from))
        if touched:
            start = movement.valid_from
            end = max(c.valid_to for c in touched)
            left = selectors.lowest_balance(movement.source, start, end)
            restated = None
            if left > 0:
                restated = _issue(actor, movement, quantity=left, valid_from=start,
                                  valid_to=end, restated=True)
                issued.append(restated)
            for old in touched:
                before = snapshot(old)
                old.superseded_by, old.superseded_on = restated, movement.valid_from
                old.save(update_fields=["superseded_by", "superseded_on"])
                record(actor, RightsAction.SUPERSEDE, old, before, snapshot(old),
                       movement.legal_basis)
    if movement.target.enterprise_id is not None:
        issued.append(_issue(actor, movement, quantity=movement.quantity,
                             valid_from=movement.valid_from, valid_to=movement.valid_to,
                             restated=False))
    return issued
