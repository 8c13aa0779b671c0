"""Transfer requests between enterprises: "both sides agree, the office approves". The
seller's contact files (its balance checked), the buyer's contact confirms or declines, the
office approves (the balance checked again, then ledger.transfer with both consents and the
terms, which issues the certificates) or rejects with a reason. Every step is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as perm
from zoneops.core.models import Enterprise, Role, User
from zoneops.core.services.audit import record, snapshot

from .. import selectors
from ..audit import RightsAction
from ..models import Account, Pollutant, default_valid_to
from ..models_moves import TransferRequest
from ..permissions import can_write_ledger
from . import ledger
from .recording import add_terms, money

Status = TransferRequest.Status


def _seller_holds(seller: Enterprise, pollutant: str, quantity: Decimal, start: dt.date,
                  end: dt.date) -> None:
    account = Account.objects.filter(enterprise=seller, pollutant=pollutant).first()
    held = selectors.lowest_balance(account, start, end) if account else Decimal(0)
    if held < quantity:
        raise ValidationError({"quantity": _(
            "%(seller)s holds only %(held)s t/a of %(pollutant)s during this period; it "
            "cannot transfer %(quantity)s t/a.")
            % {"seller": seller.name, "held": held, "pollutant": pollutant,
               "quantity": quantity}})


def file_request(actor: User, data: dict[str, Any]) -> TransferRequest:
    """The seller's contact offers rights to a buyer (buyer, pollutant, quantity, price,
    contract number, valid_from, valid_to)."""
    if perm.role_of(actor) != Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied("only an enterprise contact files a transfer request")
    seller, buyer = actor.enterprise, data["buyer"]
    if buyer is None or buyer.pk == seller.pk:
        raise ValidationError({"buyer": _("Choose another enterprise as the buyer.")})
    pollutant = data["pollutant"]
    if pollutant not in Pollutant.values:
        raise ValidationError({"pollutant": _("Unknown pollutant: %(value)s.")
                               % {"value": pollutant}})
    quantity = ledger._clean_quantity(data["quantity"])
    price = money(data.get("price"), "price")
    if price is None:
        raise ValidationError({"price": _("Enter the price agreed (yuan per t·a).")})
    amount = money(data.get("amount"), "amount")
    start = data["valid_from"]
    end = data.get("valid_to") or default_valid_to(start)
    if end < start:
        raise ValidationError({"valid_to": _("The period ends before it begins.")})
    with transaction.atomic():
        _seller_holds(seller, pollutant, quantity, start, end)
        request = TransferRequest(
            seller=seller, buyer=buyer, pollutant=pollutant, quantity=quantity, price=price,
            amount=amount if amount is not None else (price * quantity).quantize(
                Decimal("0.01")),
            contract_no=(data.get("contract_no") or "").strip(), valid_from=start,
            valid_to=end, filed_by=actor)
        request.full_clean()
        request.save()
        record(actor, RightsAction.REQUEST, request, None, snapshot(request))
    return request


def _locked(request: TransferRequest, status: str) -> TransferRequest:
    fresh = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if fresh.status != status:
        raise ValidationError(_("This request is no longer %(status)s: it is %(now)s.")
                              % {"status": Status(status).label,
                                 "now": fresh.get_status_display()})
    return fresh


def answer(actor: User, request: TransferRequest, *, agree: bool,
           reason: str = "") -> TransferRequest:
    """The buyer's contact confirms (→ awaiting the office) or declines."""
    if perm.role_of(actor) != Role.ENTERPRISE or actor.enterprise_id != request.buyer_id:
        raise PermissionDenied("only the buyer's contact answers a transfer request")
    with transaction.atomic():
        fresh = _locked(request, Status.AWAITING_BUYER)
        before = snapshot(fresh)
        fresh.status = Status.AWAITING_OFFICE if agree else Status.DECLINED
        fresh.buyer_by, fresh.buyer_at = actor, timezone.now()
        if not agree:
            fresh.reason = reason.strip()
        fresh.save()
        record(actor, RightsAction.REQUEST_ANSWER, fresh, before, snapshot(fresh), reason)
    return fresh


def approve(actor: User, request: TransferRequest, *, legal_basis: str) -> TransferRequest:
    """The office approves: the seller's balance is checked again (it may have sold the
    rights since filing) and the transfer is recorded with both consents and its terms."""
    perm.require(can_write_ledger(actor), "only the office approves a transfer")
    if not legal_basis.strip():
        raise ValidationError({"legal_basis": _("State the legal basis of this movement.")})
    with transaction.atomic():
        fresh = _locked(request, Status.AWAITING_OFFICE)
        before = snapshot(fresh)
        _seller_holds(fresh.seller, fresh.pollutant, fresh.quantity, fresh.valid_from,
                      fresh.valid_to)
        contract = fresh.contract_no or _("transfer request %(pk)s") % {"pk": fresh.pk}
        movement = ledger.transfer(
            actor=actor, seller=fresh.seller, buyer=fresh.buyer, pollutant=fresh.pollutant,
            quantity=fresh.quantity, legal_basis=legal_basis,
            seller_consent=_("%(contract)s, filed by %(who)s")
            % {"contract": contract, "who": fresh.filed_by},
            buyer_consent=_("%(contract)s, confirmed by %(who)s")
            % {"contract": contract, "who": fresh.buyer_by},
            valid_from=fresh.valid_from, valid_to=fresh.valid_to)
        add_terms(actor, movement, price=fresh.price, amount=fresh.amount,
                  contract_no=fresh.contract_no)
        fresh.status, fresh.movement = Status.APPROVED, movement
        fresh.decided_by, fresh.decided_at = actor, timezone.now()
        fresh.save()
        record(actor, RightsAction.REQUEST_DECISION, fresh, before, snapshot(fresh),
               legal_basis)
    return fresh


def reject(actor: User, request: TransferRequest, *, reason: str) -> TransferRequest:
    """The office rejects a request, before or after the buyer answered, saying why."""
    perm.require(can_write_ledger(actor), "only the office rejects a transfer")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    with transaction.atomic():
        fresh = TransferRequest.objects.select_for_update().get(pk=request.pk)
        if not fresh.open:
            raise ValidationError(_("This request is already %(now)s.")
                                  % {"now": fresh.get_status_display()})
        before = snapshot(fresh)
        fresh.status, fresh.reason = Status.REJECTED, reason.strip()
        fresh.decided_by, fresh.decided_at = actor, timezone.now()
        fresh.save()
        record(actor, RightsAction.REQUEST_DECISION, fresh, before, snapshot(fresh), reason)
    return fresh


def withdraw(actor: User, request: TransferRequest) -> TransferRequest:
    """The seller's contact takes back its own request while the office has not decided."""
    if perm.role_of(actor) != Role.ENTERPRISE or actor.enterprise_id != request.seller_id:
        raise PermissionDenied("only the seller's contact withdraws a transfer request")
    with transaction.atomic():
        fresh = TransferRequest.objects.select_for_update().get(pk=request.pk)
        if not fresh.open:
            raise ValidationError(_("This request is already %(now)s.")
                                  % {"now": fresh.get_status_display()})
        before = snapshot(fresh)
        fresh.status = Status.WITHDRAWN
        fresh.save()
        record(actor, RightsAction.REQUEST_ANSWER, fresh, before, snapshot(fresh))
    return fresh
