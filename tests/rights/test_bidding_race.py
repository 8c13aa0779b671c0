"""Fifty bidders press the button at once on one lot, each on its own connection: the lot's
row lock puts the bids in one order, and the history stays a valid ascending auction.

PostgreSQL only, by design (SQLite serialises writers, so there is no race to test); on
SQLite this module defines no test, so nothing is collected — no skip markers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.concurrency import ON_POSTGRESQL, race
from tests.conftest import PASSWORD
from zoneops.core.models import Role
from zoneops.core.services.org import create_enterprise
from zoneops.core.services.people import create_user
from zoneops.rights import selectors, services

from .test_bidding import lot_data

BIDDERS = 50

if ON_POSTGRESQL:

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_fifty_simultaneous_bids_leave_one_consistent_auction(world):
        from tests.conftest import make_code

        admin, office = world.users["admin"], world.users["office"]
        services.set_cap(actor=office, pollutant="VOCs", quantity="50", basis="园区VOCs总量")
        now = timezone.now()
        lot = services.create_lot(office, lot_data(opens_at=now - dt.timedelta(hours=1),
                                                   closes_at=now + dt.timedelta(hours=1)))
        contacts = []
        for n in range(BIDDERS):
            firm = create_enterprise(admin, {"credit_code": make_code(100 + n),
                                             "name": f"竞买企业{n:02d}"})
            services.record_deposit(office, lot, enterprise=firm, amount="5000")
            contacts.append(create_user(None, {"username": f"bidder{n}",
                                               "role": Role.ENTERPRISE, "enterprise": firm},
                                        password=PASSWORD))
        queue = list(contacts)

        def press() -> str:
            """Bid the lowest acceptable price; when outbid meanwhile (the page shows the new
            price), try again, up to three times."""
            who = queue.pop()
            placed = 0
            for _attempt in range(3):
                state = selectors.lot_state(who, lot, timezone.now())
                try:
                    services.place_bid(who, lot, price=state.low)
                    placed += 1
                except ValidationError:
                    pass
            return f"bids:{placed}"

        outcomes = race(BIDDERS, press)
        assert all(o.startswith("bids:") for o in outcomes), outcomes
        bids = list(lot.bids.order_by("seq"))
        assert len(bids) == sum(int(o[5:]) for o in outcomes) > 1
        assert [b.seq for b in bids] == list(range(1, len(bids) + 1))
        assert bids[0].price >= lot.floor_price
        for before, after in zip(bids, bids[1:], strict=False):
            assert lot.min_increment <= after.price - before.price <= lot.max_increment
            assert after.enterprise_id != before.enterprise_id
            assert after.placed_at >= before.placed_at
        services.settle_due(now=lot.closes_at + dt.timedelta(seconds=1))
        lot.refresh_from_db()
        assert lot.status == "sold" and lot.winner_id == bids[-1].enterprise_id
        assert lot.final_price == max(b.price for b in bids) == bids[-1].price
        assert lot.movement.quantity == Decimal("2")
