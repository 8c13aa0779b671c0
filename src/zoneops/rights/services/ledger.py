"""Every write of the emission-rights ledger. Each operation is one movement between two
accounts, recorded in one transaction with the source account (and, when rights leave the
reserve, the pollutant's cap) locked, so concurrent operations cannot overdraw either."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core import permissions as perm
from zoneops.core.models import AuditAction, Enterprise, User
from zoneops.core.services.audit import record, snapshot

from .. import selectors
from ..audit import RightsAction
from ..models import Account, Cap, Movement, Pollutant, ReserveLevel, default_valid_to
from ..permissions import can_write_ledger
from . import certificates

Kind = Movement.Kind


def _require_writer(actor: User) -> None:
    perm.require(can_write_ledger(actor),
                 "only the office or an administrator writes the emission-rights ledger")


def _clean_quantity(quantity: Decimal | str | int) -> Decimal:
    try:
        value = Decimal(str(quantity))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"quantity": _("The quantity must be a number (t/a).")}) from exc
    if not value.is_finite() or value <= 0:
        raise ValidationError({"quantity": _("The quantity must be greater than zero (t/a).")})
    return value


def _clean_common(*, pollutant: str, legal_basis: str, valid_from: dt.date,
                  valid_to: dt.date | None) -> dt.date:
    if pollutant not in Pollutant.values:
        raise ValidationError({"pollutant": _("Unknown pollutant: %(value)s.")
                               % {"value": pollutant}})
    if not legal_basis.strip():
        raise ValidationError({"legal_basis": _("State the legal basis of this movement.")})
    end = valid_to or default_valid_to(valid_from)
    if end < valid_from:
        raise ValidationError({"valid_to": _("The period ends before it begins.")})
    return end


def _enterprise_account(enterprise: Enterprise, pollutant: str) -> Account:
    account, _created = Account.objects.get_or_create(enterprise=enterprise, pollutant=pollutant)
    return account


def _reserve_account(level: str, pollutant: str) -> Account:
    if level not in ReserveLevel.values:
        raise ValidationError({"reserve_level": _("Unknown reserve level: %(value)s.")
                               % {"value": level}})
    account, _created = Account.objects.get_or_create(enterprise=None, reserve_level=level,
                                                      pollutant=pollutant)
    return account


def _move(*, actor: User, kind: str, source: Account, target: Account, quantity: Decimal,
          valid_from: dt.date, valid_to: dt.date, legal_basis: str,
          source_consent: str = "", target_consent: str = "") -> Movement:
    """Check and record one movement; the caller holds the transaction."""
    issuing = source.is_reserve and not target.is_reserve
    if issuing:
        cap = Cap.objects.select_for_update().filter(pollutant=source.pollutant).first()
        if cap is None:
            raise ValidationError({"pollutant": _(
                "No total cap is set for %(pollutant)s: rights cannot leave the reserve.")
                % {"pollutant": source.pollutant}})
    # The lock that serialises every movement out of this account: the balance read below
    # cannot change until this transaction ends.
    Account.objects.select_for_update().filter(pk=source.pk).first()
    if not source.is_reserve:
        available = selectors.lowest_balance(source, valid_from, valid_to)
        if available < quantity:
            raise ValidationError({"quantity": _(
                "%(account)s holds only %(available)s t/a during this period; "
                "%(quantity)s t/a would make its balance negative.")
                % {"account": source, "available": available, "quantity": quantity}})
    if issuing:
        held = selectors.highest_enterprise_total(source.pollutant, valid_from, valid_to)
        if held + quantity > cap.quantity:
            raise ValidationError({"quantity": _(
                "The total cap of %(pollutant)s is %(cap)s t/a and enterprises already hold "
                "%(held)s t/a: %(quantity)s t/a more would exceed it.")
                % {"pollutant": source.pollutant, "cap": cap.quantity, "held": held,
                   "quantity": quantity}})
    movement = Movement(kind=kind, source=source, target=target, quantity=quantity,
                        valid_from=valid_from, valid_to=valid_to, legal_basis=legal_basis,
                        source_consent=source_consent, target_consent=target_consent,
                        created_by=actor)
    movement.full_clean()
    movement.save()
    record(actor, RightsAction.of(kind), movement, None, snapshot(movement), legal_basis)
    certificates.issue_for(actor, movement)
    return movement


def set_cap(*, actor: User, pollutant: str, quantity: Decimal | str, basis: str) -> Cap:
    """Set the area's total cap of one pollutant. It cannot fall below what enterprises
    hold today."""
    _require_writer(actor)
    if pollutant not in Pollutant.values:
        raise ValidationError({"pollutant": _("Unknown pollutant: %(value)s.")
                               % {"value": pollutant}})
    value = Decimal(str(quantity))
    if value < 0:
        raise ValidationError({"quantity": _("The cap cannot be negative.")})
    with transaction.atomic():
        cap, _created = Cap.objects.select_for_update().get_or_create(
            pollutant=pollutant, defaults={"quantity": value, "basis": basis})
        before = None if _created else snapshot(cap)
        held = selectors.enterprise_total(pollutant, dt.date.today())
        if value < held:
            raise ValidationError({"quantity": _(
                "Enterprises already hold %(held)s t/a: the cap cannot be lower.")
                % {"held": held}})
        cap.quantity, cap.basis = value, basis
        cap.full_clean()
        cap.save()
        action = AuditAction.CREATE if _created else AuditAction.UPDATE
        record(actor, action, cap, before, snapshot(cap), basis)
    return cap


def _from_reserve(kind: str, *, actor: User, enterprise: Enterprise, pollutant: str,
                  quantity: Decimal | str, legal_basis: str, valid_from: dt.date,
                  valid_to: dt.date | None, reserve_level: str) -> Movement:
    _require_writer(actor)
    end = _clean_common(pollutant=pollutant, legal_basis=legal_basis, valid_from=valid_from,
                        valid_to=valid_to)
    amount = _clean_quantity(quantity)
    with transaction.atomic():
        return _move(actor=actor, kind=kind, source=_reserve_account(reserve_level, pollutant),
                     target=_enterprise_account(enterprise, pollutant), quantity=amount,
                     valid_from=valid_from, valid_to=end, legal_basis=legal_basis)


def verify_initial(*, actor: User, enterprise: Enterprise, pollutant: str,
                   quantity: Decimal | str, legal_basis: str, valid_from: dt.date,
                   valid_to: dt.date | None = None,
                   reserve_level: str = ReserveLevel.PARK) -> Movement:
    """Initial verification (核定) of an enterprise's rights from its permit, out of a
    reserve, within the cap."""
    return _from_reserve(Kind.VERIFICATION, actor=actor, enterprise=enterprise,
                         pollutant=pollutant, quantity=quantity, legal_basis=legal_basis,
                         valid_from=valid_from, valid_to=valid_to, reserve_level=reserve_level)


def sell_from_reserve(*, actor: User, enterprise: Enterprise, pollutant: str,
                      quantity: Decimal | str, legal_basis: str, valid_from: dt.date,
                      valid_to: dt.date | None = None,
                      reserve_level: str = ReserveLevel.PARK) -> Movement:
    """A sale from a reserve (fixed price, listing, bidding or auction: the legal basis says
    which), within the cap."""
    return _from_reserve(Kind.SALE, actor=actor, enterprise=enterprise, pollutant=pollutant,
                         quantity=quantity, legal_basis=legal_basis, valid_from=valid_from,
                         valid_to=valid_to, reserve_level=reserve_level)


def transfer(*, actor: User, seller: Enterprise, buyer: Enterprise, pollutant: str,
             quantity: Decimal | str, legal_basis: str, seller_consent: str,
             buyer_consent: str, valid_from: dt.date, valid_to: dt.date | None = None
             ) -> Movement:
    """A transfer between two enterprises: both sides' consent (e.g. the contract's number)
    is recorded, and the office's approval is this call by the office."""
    _require_writer(actor)
    end = _clean_common(pollutant=pollutant, legal_basis=legal_basis, valid_from=valid_from,
                        valid_to=valid_to)
    amount = _clean_quantity(quantity)
    if not seller_consent.strip():
        raise ValidationError({"seller_consent": _("Record the transferor's consent.")})
    if not buyer_consent.strip():
        raise ValidationError({"buyer_consent": _("Record the transferee's consent.")})
    if seller.pk == buyer.pk:
        raise ValidationError({"buyer": _("An enterprise cannot transfer rights to itself.")})
    with transaction.atomic():
        return _move(actor=actor, kind=Kind.TRANSFER,
                     source=_enterprise_account(seller, pollutant),
                     target=_enterprise_account(buyer, pollutant), quantity=amount,
                     valid_from=valid_from, valid_to=end, legal_basis=legal_basis,
                     source_consent=seller_consent, target_consent=buyer_consent)


def _to_reserve(kind: str, *, actor: User, enterprise: Enterprise, pollutant: str,
                quantity: Decimal | str, legal_basis: str, valid_from: dt.date,
                valid_to: dt.date, reserve_level: str) -> Movement:
    _require_writer(actor)
    end = _clean_common(pollutant=pollutant, legal_basis=legal_basis, valid_from=valid_from,
                        valid_to=valid_to)
    amount = _clean_quantity(quantity)
    with transaction.atomic():
        return _move(actor=actor, kind=kind, source=_enterprise_account(enterprise, pollutant),
                     target=_reserve_account(reserve_level, pollutant), quantity=amount,
                     valid_from=valid_from, valid_to=end, legal_basis=legal_basis)


def recall(*, actor: User, enterprise: Enterprise, pollutant: str, quantity: Decimal | str,
           legal_basis: str, valid_from: dt.date, valid_to: dt.date,
           reserve_level: str = ReserveLevel.PARK) -> Movement:
    """A recall (收回, free) into a reserve for [valid_from, valid_to]."""
    return _to_reserve(Kind.RECALL, actor=actor, enterprise=enterprise, pollutant=pollutant,
                       quantity=quantity, legal_basis=legal_basis, valid_from=valid_from,
                       valid_to=valid_to, reserve_level=reserve_level)


def buy_back(*, actor: User, enterprise: Enterprise, pollutant: str, quantity: Decimal | str,
             legal_basis: str, valid_from: dt.date, valid_to: dt.date,
             reserve_level: str = ReserveLevel.PARK) -> Movement:
    """A buy-back (收购/回购, paid) into a reserve for [valid_from, valid_to]."""
    return _to_reserve(Kind.BUYBACK, actor=actor, enterprise=enterprise, pollutant=pollutant,
                       quantity=quantity, legal_basis=legal_basis, valid_from=valid_from,
                       valid_to=valid_to, reserve_level=reserve_level)


def expire(*, actor: User, enterprise: Enterprise, pollutant: str, quantity: Decimal | str,
           legal_basis: str, valid_from: dt.date, valid_to: dt.date,
           reserve_level: str = ReserveLevel.PARK) -> Movement:
    """An early lapse (e.g. the permit is cancelled) back to a reserve. Rights that simply
    reach the end of their period need no movement: balances are dated."""
    return _to_reserve(Kind.EXPIRY, actor=actor, enterprise=enterprise, pollutant=pollutant,
                       quantity=quantity, legal_basis=legal_basis, valid_from=valid_from,
                       valid_to=valid_to, reserve_level=reserve_level)
