"""Reads of the ledger. A balance is never stored: it is the sum of the movements valid on a
date (incoming minus outgoing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from zoneops.core import permissions as perm
from zoneops.core.models import Role, User

from .models import Account, Movement
from .permissions import can_view_account

ZERO = Decimal(0)
ONE_DAY = dt.timedelta(days=1)


def _extreme(movements: Iterable[Movement], delta: Callable[[Movement], Decimal],
             start: dt.date, end: dt.date, pick: Callable) -> Decimal:
    """The lowest or highest running sum over [start, end]. A sum of dated movements only
    changes where one begins or the day after one ends, so those days are all we look at."""
    spans = [(m.valid_from, m.valid_to, delta(m)) for m in movements]
    days = {start}
    for begins, ends, _change in spans:
        if start < begins <= end:
            days.add(begins)
        if start <= ends + ONE_DAY <= end:
            days.add(ends + ONE_DAY)
    return pick(sum((c for b, e, c in spans if b <= day <= e), ZERO) for day in days)


def _touching(account: Account, start: dt.date, end: dt.date):
    return Movement.objects.filter(Q(source=account) | Q(target=account),
                                   valid_from__lte=end, valid_to__gte=start)


def _signed_for(account: Account) -> Callable[[Movement], Decimal]:
    return lambda m: m.quantity if m.target_id == account.pk else -m.quantity


def balance(account: Account, on: dt.date) -> Decimal:
    """What the account holds on ``on``, in t/a."""
    return _extreme(_touching(account, on, on), _signed_for(account), on, on, min)


def lowest_balance(account: Account, start: dt.date, end: dt.date) -> Decimal:
    """The least the account holds on any day of [start, end]."""
    return _extreme(_touching(account, start, end), _signed_for(account), start, end, min)


def _issued(m: Movement) -> Decimal:
    """How a movement changes what enterprises hold in total: from a reserve to a firm adds,
    from a firm back to a reserve takes away, between two firms changes nothing."""
    into_firms = m.target.enterprise_id is not None
    out_of_firms = m.source.enterprise_id is not None
    if into_firms == out_of_firms:
        return ZERO
    return m.quantity if into_firms else -m.quantity


def highest_enterprise_total(pollutant: str, start: dt.date, end: dt.date) -> Decimal:
    """The most all enterprises together hold of one pollutant on any day of [start, end]."""
    movements = (Movement.objects.filter(source__pollutant=pollutant, valid_from__lte=end,
                                         valid_to__gte=start)
                 .select_related("source", "target"))
    return _extreme(movements, _issued, start, end, max)


def enterprise_total(pollutant: str, on: dt.date) -> Decimal:
    return highest_enterprise_total(pollutant, on, on)


def visible_accounts(user: User):
    """The accounts a user may read: all for internal roles, its own for an enterprise."""
    accounts = Account.objects.select_related("enterprise").order_by(
        "enterprise__name", "reserve_level", "pollutant")
    if perm.is_internal(user):
        return accounts
    if perm.role_of(user) == Role.ENTERPRISE and user.enterprise_id is not None:
        return accounts.filter(enterprise_id=user.enterprise_id)
    return accounts.none()


@dataclass(frozen=True)
class Holding:
    account: Account
    balance: Decimal


def holdings(user: User, on: dt.date) -> list[Holding]:
    return [Holding(a, balance(a, on)) for a in visible_accounts(user)]


def account_balance(user: User, account: Account, on: dt.date) -> Decimal:
    """One account's balance, for a reader allowed to see it."""
    if not can_view_account(user, account):
        raise PermissionDenied("not your account")
    return balance(account, on)


# --- bidding --------------------------------------------------------------------------------

def can_view_market(user: User) -> bool:
    """The market (lots, prices, results) is open to internal roles and enterprise contacts."""
    return perm.is_internal(user) or perm.role_of(user) == Role.ENTERPRISE


def lots_for(user: User):
    from .models import Lot

    if not can_view_market(user):
        return Lot.objects.none()
    return Lot.objects.select_related("winner").order_by("-opens_at", "-number")


@dataclass(frozen=True)
class LotState:
    """What the lot page shows and its live price polls: the leading price, the next bid's
    range, the close (which late bids may move) and whether this viewer may bid."""

    leading: Decimal | None
    leader_is_me: bool
    low: Decimal
    high: Decimal | None
    bids: int
    closes_at: dt.datetime
    phase: str  # "waiting" | "open" | "closed" | a settled status
    has_deposit: bool


def lot_state(user: User, lot, now: dt.datetime) -> LotState:
    from .models import Deposit, Lot
    from .services.bidding import price_range

    leading = lot.bids.order_by("-seq").first()
    low, high = price_range(lot, leading.price if leading else None)
    if lot.status != Lot.Status.OPEN:
        phase = lot.status
    elif now < lot.opens_at:
        phase = "waiting"
    elif now >= lot.closes_at:
        phase = "closed"
    else:
        phase = "open"
    enterprise_id = getattr(user, "enterprise_id", None)
    return LotState(
        leading=leading.price if leading else None,
        leader_is_me=bool(leading and enterprise_id and leading.enterprise_id == enterprise_id),
        low=low, high=high, bids=lot.bids.count(), closes_at=lot.closes_at, phase=phase,
        has_deposit=bool(enterprise_id) and Deposit.objects.filter(
            lot=lot, enterprise_id=enterprise_id).exists())


def bid_history(user: User, lot) -> list[dict]:
    """Every bid, newest first. Bidders are named to internal roles; an enterprise sees its
    own bids marked and the others as 竞买人 A, B, … (in order of their first bid), so
    nobody learns who they bid against while the lot is open."""
    rows = list(lot.bids.select_related("enterprise").order_by("seq"))
    internal = perm.is_internal(user)
    enterprise_id = getattr(user, "enterprise_id", None)
    aliases: dict[int, str] = {}
    out = []
    for bid in rows:
        alias = aliases.setdefault(bid.enterprise_id, chr(ord("A") + len(aliases) % 26))
        out.append({"seq": bid.seq, "price": bid.price, "at": bid.placed_at,
                    "mine": bid.enterprise_id == enterprise_id,
                    "bidder": bid.enterprise.name if internal else alias})
    return out[::-1]


# --- certificates ---------------------------------------------------------------------------

def certificates_for(user: User):
    """The certificates a user may read: all for internal roles, its own for an enterprise."""
    from .models import Certificate

    rows = Certificate.objects.select_related("enterprise", "movement", "superseded_by")
    if perm.is_internal(user):
        return rows
    if perm.role_of(user) == Role.ENTERPRISE and user.enterprise_id is not None:
        return rows.filter(enterprise_id=user.enterprise_id)
    return rows.none()


def check_certificate(number: str, code: str):
    """The certificate with this number and code, or None: the public check. A wrong code
    answers exactly like an unknown number, so the page tells nothing without both."""
    import hmac

    from .models import Certificate
    from .services.certificates import normalise_code

    certificate = (Certificate.objects.select_related("enterprise", "superseded_by")
                   .filter(number=number.strip().upper()).first())
    if certificate is None or not hmac.compare_digest(certificate.code.encode(),
                                                      normalise_code(code).encode()):
        return None
    return certificate


# --- the ledger -----------------------------------------------------------------------------

def movements_for(user: User):
    """The movements a user may read, oldest first: all for internal roles; for an enterprise
    contact only those touching its own enterprise's accounts."""
    rows = Movement.objects.select_related(
        "source__enterprise", "target__enterprise", "created_by").order_by("created_at", "pk")
    if perm.is_internal(user):
        return rows
    if perm.role_of(user) == Role.ENTERPRISE and user.enterprise_id is not None:
        return rows.filter(Q(source__enterprise_id=user.enterprise_id)
                           | Q(target__enterprise_id=user.enterprise_id))
    return rows.none()
