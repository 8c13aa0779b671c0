"""Every write of the emission-rights ledger and of its bidding rounds, re-exported here so
callers import `services` only: `ledger` (movements between accounts, the cap) and `bidding`
(lots, deposits, bids, settlement)."""

from .bidding import create_lot, place_bid, price_range, record_deposit, settle_due
from .ledger import (
    buy_back,
    expire,
    recall,
    sell_from_reserve,
    set_cap,
    transfer,
    verify_initial,
)
from .recording import record_movement
from .requests import answer, approve, file_request, reject, withdraw

__all__ = ["answer", "approve", "file_request", "record_movement", "reject",
           "buy_back", "create_lot", "expire", "place_bid", "price_range", "recall",
           "record_deposit", "sell_from_reserve", "set_cap", "settle_due", "transfer",
           "verify_initial", "withdraw"]
