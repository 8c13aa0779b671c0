"""Electronic bidding (竞价) for rights sold from a reserve: an ascending auction per lot.

Every bid is checked and recorded under a row lock on its lot, so simultaneous bids are put
in one order and each must beat the one before it by the lot's increment range. A lot closes
at its close time to the second: the service refuses any bid at or after it, whatever the
worker is doing; the worker then settles the lot (`settle_due`), selling the rights to the
highest bidder through the ledger (within the cap) in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core import permissions as perm
from zoneops.core.models import Enterprise, Role, User
from zoneops.core.services.audit import record, snapshot

from ..audit import RightsAction
from ..models import Bid, Deposit, Lot, Pollutant, ReserveLevel
from .ledger import _require_writer, sell_from_reserve

LOT_FIELDS = ("title", "pollutant", "quantity", "years", "reserve_level", "floor_price",
              "min_increment", "max_increment", "deposit", "opens_at", "closes_at",
              "extension_seconds", "legal_basis")


def _money(value: Any, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from exc
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise ValidationError({field: _("Enter an amount greater than zero.")})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def create_lot(actor: User, data: Mapping[str, Any]) -> Lot:
    """A new lot (office): what is sold, the floor, the increment range, the deposit and the
    bidding period. Numbered next."""
    _require_writer(actor)
    unknown = set(data) - set(LOT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    errors: dict[str, str] = {}
    if data.get("pollutant") not in Pollutant.values:
        errors["pollutant"] = _("Choose a pollutant.")
    if data.get("reserve_level", ReserveLevel.PARK) not in ReserveLevel.values:
        errors["reserve_level"] = _("Choose the reserve the rights are sold from.")
    if not str(data.get("title", "")).strip():
        errors["title"] = _("Give the lot a title.")
    if not str(data.get("legal_basis", "")).strip():
        errors["legal_basis"] = _("State the legal basis of this sale.")
    if errors:
        raise ValidationError(errors)
    values = {name: data[name] for name in LOT_FIELDS if name in data}
    for name in ("floor_price", "min_increment", "max_increment"):
        values[name] = _money(data.get(name), name)
    values["deposit"] = _money(data.get("deposit", 0), "deposit", positive=False)
    values["quantity"] = _money(data.get("quantity"), "quantity")
    if values["max_increment"] < values["min_increment"]:
        raise ValidationError({"max_increment": _(
            "The maximum increment cannot be below the minimum increment.")})
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if not isinstance(opens, dt.datetime) or not isinstance(closes, dt.datetime):
        raise ValidationError({"opens_at": _("Give the opening and closing times.")})
    if closes <= opens:
        raise ValidationError({"closes_at": _("The lot must close after it opens.")})
    last = Lot.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0
    lot = Lot(number=last + 1, created_by=actor, **values)
    lot.full_clean()
    lot.save()
    record(actor, RightsAction.LOT, lot, None, snapshot(lot), lot.legal_basis)
    return lot


@transaction.atomic
def record_deposit(actor: User, lot: Lot, *, enterprise: Enterprise,
                   amount: Decimal | str) -> Deposit:
    """The office records a bidder's deposit for a lot (at least the lot's deposit)."""
    _require_writer(actor)
    value = _money(amount, "amount", positive=False)
    if value < lot.deposit:
        raise ValidationError({"amount": _("The deposit for this lot is %(deposit)s yuan.")
                               % {"deposit": lot.deposit}})
    if Deposit.objects.filter(lot=lot, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": _("This enterprise's deposit is already recorded.")})
    deposit = Deposit.objects.create(lot=lot, enterprise=enterprise, amount=value,
                                     recorded_by=actor)
    record(actor, RightsAction.DEPOSIT, lot, None,
           {"enterprise": enterprise.name, "amount": str(value)})
    return deposit


def price_range(lot: Lot, leading: Decimal | None) -> tuple[Decimal, Decimal | None]:
    """The lowest and highest acceptable next bid (no highest before the first bid)."""
    if leading is None:
        return lot.floor_price, None
    return leading + lot.min_increment, leading + lot.max_increment


def place_bid(actor: User, lot: Lot, *, price: Decimal | str,
              now: dt.datetime | None = None) -> Bid:
    """An enterprise contact bids for their enterprise. The lot's row lock orders concurrent
    bids; each must fall in the increment range above the one before it."""
    if perm.role_of(actor) != Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied(_("Only an enterprise's contact can bid."))
    amount = _money(price, "price")
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        now = now or timezone.now()
        if lot.status != Lot.Status.OPEN or now >= lot.closes_at:
            raise ValidationError({"price": _("Bidding on this lot has closed.")})
        if now < lot.opens_at:
            raise ValidationError({"price": _("Bidding on this lot has not opened yet.")})
        if not Deposit.objects.filter(lot=lot, enterprise_id=actor.enterprise_id).exists():
            raise ValidationError({"price": _(
                "Your deposit for this lot has not been recorded: you cannot bid yet.")})
        leading = lot.bids.order_by("-seq").first()
        if leading is not None and leading.enterprise_id == actor.enterprise_id:
            raise ValidationError({"price": _("Your bid is already the highest.")})
        low, high = price_range(lot, leading.price if leading else None)
        if amount < low or (high is not None and amount > high):
            message = (_("The first bid must be at least the floor price, %(low)s yuan.")
                       if high is None else
                       _("The next bid must be between %(low)s and %(high)s yuan."))
            raise ValidationError({"price": message % {"low": low, "high": high}})
        bid = Bid.objects.create(lot=lot, seq=(leading.seq if leading else 0) + 1,
                                 enterprise_id=actor.enterprise_id, price=amount,
                                 placed_by=actor, placed_at=now)
        if lot.extension_seconds and (lot.closes_at - now).total_seconds() < lot.extension_seconds:
            lot.closes_at = now + dt.timedelta(seconds=lot.extension_seconds)
            lot.save(update_fields=["closes_at"])
        record(actor, RightsAction.BID, lot, None,
               {"bid": bid.seq, "price": str(amount), "closes_at": lot.closes_at.isoformat()})
    return bid


def settle_due(now: dt.datetime | None = None) -> int:
    """Settle every open lot whose close time has passed (the worker calls this): sold to the
    highest bidder through the ledger, or unsold. Each lot in its own transaction."""
    now = now or timezone.now()
    settled = 0
    for pk in Lot.objects.filter(status=Lot.Status.OPEN, closes_at__lte=now).values_list(
            "pk", flat=True):
        settled += _settle(pk, now)
    return settled


@transaction.atomic
def _settle(pk: int, now: dt.datetime) -> int:
    lot = Lot.objects.select_for_update().get(pk=pk)
    if lot.status != Lot.Status.OPEN or lot.closes_at > now:
        return 0  # settled by another worker, or extended meanwhile
    best = lot.bids.order_by("-seq").first()
    before = snapshot(lot)
    lot.settled_at = now
    if best is None:
        lot.status, lot.outcome = Lot.Status.UNSOLD, _("No bid was placed.")
    else:
        basis = _("Electronic bidding, lot %(number)s, %(price)s yuan per t·a; %(basis)s") % {
            "number": lot.number, "price": best.price, "basis": lot.legal_basis}
        valid_from = timezone.localdate(now)
        valid_to = valid_from.replace(year=valid_from.year + lot.years) - dt.timedelta(days=1)
        try:
            with transaction.atomic():
                lot.movement = sell_from_reserve(
                    actor=lot.created_by, enterprise=best.enterprise, pollutant=lot.pollutant,
                    quantity=lot.quantity, legal_basis=basis, valid_from=valid_from,
                    valid_to=valid_to, reserve_level=lot.reserve_level)
        except (ValidationError, PermissionDenied) as exc:
            lot.status = Lot.Status.FAILED
            lot.outcome = "; ".join(getattr(exc, "messages", [str(exc)]))
        else:
            lot.status, lot.winner, lot.final_price = Lot.Status.SOLD, best.enterprise, best.price
            lot.outcome = basis
    lot.save()
    record("system", RightsAction.SETTLE, lot, before, snapshot(lot), lot.outcome)
    return 1
