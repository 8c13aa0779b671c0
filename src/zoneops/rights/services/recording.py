"""The office's record of one movement from the browser: the ledger operation and, for a sale
or a buy-back, its terms (sale form, price, amount, contract number) in one transaction, so a
refused movement leaves no terms and refused terms leave no movement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneops.core.models import User
from zoneops.core.services.audit import record, snapshot

from ..audit import RightsAction
from ..models import Movement
from ..models_moves import MovementTerms, SaleForm
from . import ledger

# operation -> the ledger service that records it
OPERATIONS = {
    "verification": ledger.verify_initial,
    "sale": ledger.sell_from_reserve,
    "recall": ledger.recall,
    "buyback": ledger.buy_back,
    "expiry": ledger.expire,
}
# The operations that carry a price: a sale from the reserve and a paid buy-back.
PRICED = {"sale", "buyback"}


def money(value: Any, field: str) -> Decimal | None:
    """A non-negative sum in yuan, or None when left empty."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount.quantize(Decimal("0.01"))


def _terms(operation: str, data: dict[str, Any]) -> dict[str, Any] | None:
    if operation not in PRICED:
        return None
    price, amount = money(data.get("price"), "price"), money(data.get("amount"), "amount")
    sale_form = data.get("sale_form") or ""
    if operation == "sale":
        if sale_form not in SaleForm.values:
            raise ValidationError({"sale_form": _(
                "Choose how the rights were sold: fixed price, listing, bidding or "
                "auction.")})
        if price is None:
            raise ValidationError({"price": _("Enter the price of the sale (yuan per t·a).")})
    elif sale_form:
        raise ValidationError({"sale_form": _("Only a sale from the reserve has a sale "
                                              "form.")})
    return {"sale_form": sale_form, "price": price, "amount": amount,
            "contract_no": (data.get("contract_no") or "").strip()}


def record_movement(actor: User, operation: str, data: dict[str, Any]) -> Movement:
    """Record one movement of ``operation`` (verification, sale, recall, buyback, expiry)
    with the fields of the ledger service, plus the terms of a priced one."""
    service = OPERATIONS.get(operation)
    if service is None:
        raise ValidationError(_("Unknown operation: %(value)s.") % {"value": operation})
    terms = _terms(operation, data)
    valid_from: dt.date = data["valid_from"]
    with transaction.atomic():
        movement = service(actor=actor, enterprise=data["enterprise"],
                           pollutant=data["pollutant"], quantity=data["quantity"],
                           legal_basis=data["legal_basis"], valid_from=valid_from,
                           valid_to=data.get("valid_to"),
                           reserve_level=data["reserve_level"])
        if terms is not None:
            add_terms(actor, movement, **terms)
    return movement


def add_terms(actor: User, movement: Movement, *, sale_form: str = "",
              price: Decimal | None = None, amount: Decimal | None = None,
              contract_no: str = "") -> MovementTerms:
    """The terms of a movement just recorded (the caller holds its transaction)."""
    terms = MovementTerms(movement=movement, sale_form=sale_form, price=price, amount=amount,
                          contract_no=contract_no)
    terms.full_clean()
    terms.save()
    record(actor, RightsAction.TERMS, terms, None, snapshot(terms), movement.legal_basis)
    return terms
