"""Electronic bidding: an ascending auction per lot under the pilot's rules (floor, increment
range, deposit, timed close with extension), settled through the ledger within the cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.conftest import PASSWORD
from tests.matrix import EVERYONE, MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry, Role
from zoneops.core.services.people import create_user
from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Bid, Lot

T0 = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
HOUR = dt.timedelta(hours=1)


def lot_data(**changes):
    data = {"title": "家具行业VOCs排污权", "pollutant": "VOCs", "quantity": Decimal("2"),
            "years": 5, "floor_price": Decimal("8000"), "min_increment": Decimal("200"),
            "max_increment": Decimal("1000"), "deposit": Decimal("5000"), "opens_at": T0,
            "closes_at": T0 + HOUR, "extension_seconds": 0,
            "legal_basis": "园区VOCs排污权电子竞价公告"}
    data.update(changes)
    return data


@pytest.fixture
def market(world):
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="VOCs", quantity="50", basis="园区VOCs总量")
    contact_b = create_user(None, {"username": "ent_b", "role": Role.ENTERPRISE,
                                   "enterprise": world.enterprise_b}, password=PASSWORD)
    lot = services.create_lot(office, lot_data())
    for enterprise in (world.enterprise_a, world.enterprise_b):
        services.record_deposit(office, lot, enterprise=enterprise, amount="5000")
    return world, lot, world.users["enterprise_a"], contact_b


def bid(who, lot, price, minutes=1):
    return services.place_bid(who, lot, price=price, now=T0 + dt.timedelta(minutes=minutes))


def field_of(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


def test_an_ascending_auction_within_the_increment_range(market):
    world, lot, a, b = market
    with pytest.raises(ValidationError) as exc:
        bid(a, lot, "7999")
    assert field_of(exc) == {"price"} and "8000" in str(exc.value)
    assert bid(a, lot, "8000").seq == 1
    with translation.override("en"), pytest.raises(ValidationError, match="already the highest"):
        bid(a, lot, "8200", minutes=2)
    for too in ("8199", "9001"):  # below +200, above +1000
        with pytest.raises(ValidationError) as exc:
            bid(b, lot, too, minutes=2)
        assert "8200" in str(exc.value) and "9000" in str(exc.value)
    bid(b, lot, "9000", minutes=2)
    bid(a, lot, "9200", minutes=3)
    state = selectors.lot_state(a, lot, T0 + dt.timedelta(minutes=4))
    assert (state.leading, state.low, state.high, state.bids) == (
        Decimal("9200"), Decimal("9400"), Decimal("10200"), 3)
    assert state.leader_is_me and not selectors.lot_state(b, lot, T0).leader_is_me
    # Every bid is kept, in order, each above the last.
    assert list(lot.bids.values_list("seq", "price")) == [
        (1, Decimal("8000")), (2, Decimal("9000")), (3, Decimal("9200"))]
    assert AuditEntry.objects.filter(action="rights.bid").count() == 3


def test_bids_only_in_the_period_with_a_deposit_by_a_contact(market):
    world, lot, a, b = market
    with translation.override("en"), pytest.raises(ValidationError, match="not opened"):
        services.place_bid(a, lot, price="8000", now=T0 - dt.timedelta(seconds=1))
    with translation.override("en"), pytest.raises(ValidationError, match="closed"):
        services.place_bid(a, lot, price="8000", now=T0 + HOUR)  # at the second it closes
    other = services.create_lot(world.users["office"], lot_data(title="第二批"))
    with translation.override("en"), pytest.raises(ValidationError, match="deposit"):
        bid(a, other, "8000")
    for who in ("office", "admin", "staff_a"):
        with pytest.raises(PermissionDenied):
            bid(world.users[who], lot, "8000")
    with pytest.raises(PermissionDenied):
        services.create_lot(a, lot_data())
    with pytest.raises(ValidationError) as exc:
        services.record_deposit(world.users["office"], other, enterprise=world.enterprise_a,
                                amount="100")
    assert field_of(exc) == {"amount"}


def test_a_late_bid_extends_the_close(market):
    world, _lot, a, b = market
    lot = services.create_lot(world.users["office"], lot_data(extension_seconds=300))
    services.record_deposit(world.users["office"], lot, enterprise=world.enterprise_a,
                            amount="5000")
    services.place_bid(a, lot, price="8000", now=T0 + dt.timedelta(minutes=50))
    lot.refresh_from_db()
    assert lot.closes_at == T0 + HOUR  # ten minutes before the close: no extension
    services.record_deposit(world.users["office"], lot, enterprise=world.enterprise_b,
                            amount="5000")
    late = T0 + HOUR - dt.timedelta(seconds=30)
    services.place_bid(b, lot, price="8200", now=late)
    lot.refresh_from_db()
    assert lot.closes_at == late + dt.timedelta(seconds=300)
    # So a bid after the first close time is still in time.
    services.place_bid(a, lot, price="8400", now=T0 + HOUR + dt.timedelta(seconds=60))


def test_the_worker_settles_at_the_close_through_the_ledger(market):
    world, lot, a, b = market
    bid(a, lot, "8000")
    bid(b, lot, "8600", minutes=5)
    assert services.settle_due(now=T0 + HOUR - dt.timedelta(seconds=1)) == 0  # still open
    assert services.settle_due(now=T0 + HOUR) == 1
    lot.refresh_from_db()
    assert (lot.status, lot.winner, lot.final_price) == ("sold", world.enterprise_b,
                                                        Decimal("8600"))
    movement = lot.movement
    assert movement.kind == "sale" and movement.quantity == Decimal("2")
    assert (movement.valid_to - movement.valid_from).days in (1825, 1826)  # five years
    winner = Account.objects.get(enterprise=world.enterprise_b, pollutant="VOCs")
    assert selectors.balance(winner, movement.valid_from) == Decimal("2")
    assert services.settle_due(now=T0 + 2 * HOUR) == 0  # settled once
    with translation.override("en"), pytest.raises(ValidationError, match="closed"):
        bid(a, lot, "8800", minutes=30)  # a settled lot takes no bid


def test_no_bid_leaves_the_lot_unsold_and_a_full_cap_refuses_the_sale(market):
    world, lot, a, _b = market
    office = world.users["office"]
    empty = services.create_lot(office, lot_data(title="无人竞买"))
    too_big = services.create_lot(office, lot_data(title="超总量", quantity=Decimal("60")))
    services.record_deposit(office, too_big, enterprise=world.enterprise_a, amount="5000")
    bid(a, too_big, "8000")
    services.settle_due(now=T0 + HOUR)
    empty.refresh_from_db()
    too_big.refresh_from_db()
    assert empty.status == "unsold" and empty.movement is None
    assert too_big.status == "failed" and too_big.movement is None
    assert "50" in too_big.outcome  # the cap named in the reason
    assert not Account.objects.filter(enterprise=world.enterprise_a, pollutant="VOCs",
                                      incoming__isnull=False).exists()


def test_the_worker_runs_the_settlement(market):
    from zoneops.core.management.commands.worker import run_once

    world, lot, a, _b = market
    bid(a, lot, "8000")
    Lot.objects.filter(pk=lot.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    run_once()
    lot.refresh_from_db()
    assert lot.status == "sold" and lot.winner == world.enterprise_a


def test_bid_history_names_bidders_only_to_the_office(market):
    world, lot, a, b = market
    bid(a, lot, "8000")
    bid(b, lot, "8200", minutes=2)
    seen_by_a = selectors.bid_history(a, lot)
    assert [(r["bidder"], r["mine"]) for r in seen_by_a] == [("B", False), ("A", True)]
    assert {r["bidder"] for r in selectors.bid_history(world.users["office"], lot)} == {
        "甲化工有限公司", "乙建材有限公司"}


# --- pages ----------------------------------------------------------------------------------

@pytest.fixture
def live(world):
    """A lot open now (pages use the real clock), with enterprise A's deposit."""
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="VOCs", quantity="50", basis="园区VOCs总量")
    now = timezone.now()
    lot = services.create_lot(office, lot_data(opens_at=now - HOUR, closes_at=now + HOUR))
    services.record_deposit(office, lot, enterprise=world.enterprise_a, amount="5000")
    return world, lot


PAGES = [
    Row("/rights/market/", EVERYONE),
    Row("/rights/market/{lot}/", EVERYONE),
    Row("/rights/market/{lot}/price/", EVERYONE),
    Row("/rights/market/new/", MANAGERS),
    Row("/rights/market/new/", MANAGERS, method="POST", data={}, ok=200),  # form errors
    # A contact is sent back to the lot (here with "below the floor"); no one else may bid.
    Row("/rights/market/{lot}/bid/", {"enterprise_a"}, method="POST", data={"price": "1"},
        ok=302),
    Row("/rights/market/{lot}/deposit/", MANAGERS, method="POST", data={}, ok=302),
]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_market_pages_matrix(live, row):
    world, lot = live
    Matrix(WORLD_ROLES, world.client, anonymous=302,
           fill=lambda url: url.replace("{lot}", str(lot.pk))).check(row)


def test_only_a_contact_with_a_deposit_bids_from_the_page(live):
    world, lot = live
    url = f"/rights/market/{lot.pk}/"
    page = world.client("enterprise_a").get(url).content.decode()
    assert 'data-testid="bid-form"' in page
    assert 'data-testid="bid-form"' not in world.client("office").get(url).content.decode()
    world.client("office").post(f"{url}bid/", {"price": "8000"})
    world.client("staff_a").post(f"{url}bid/", {"price": "8000"})
    assert not Bid.objects.exists()
    response = world.client("enterprise_a").post(f"{url}bid/", {"price": "8000"}, follow=True)
    assert Bid.objects.get().enterprise == world.enterprise_a
    assert "8000" in response.content.decode()
    price = world.client("enterprise_a").get(f"{url}price/").json()
    assert price["leading"] == "8000.00" and price["leader_is_me"] and price["low"] == "8200.00"


def test_the_office_creates_a_lot_and_records_a_deposit_from_the_page(live):
    world, _lot = live
    office = world.client("office")
    now = timezone.localtime()
    response = office.post("/rights/market/new/", {
        "title": "第三批", "pollutant": "VOCs", "quantity": "1.5", "years": "5",
        "reserve_level": "park", "floor_price": "8000", "min_increment": "200",
        "max_increment": "1000", "deposit": "3000",
        "opens_at": (now + HOUR).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": now.strftime("%Y-%m-%dT%H:%M"),  # closes before it opens
        "extension_seconds": "60", "legal_basis": "公告"})
    assert response.status_code == 200 and "closes_at" in str(response.context["form"].errors)
    assert not Lot.objects.filter(title="第三批").exists()
    response = office.post("/rights/market/new/", {
        "title": "第三批", "pollutant": "VOCs", "quantity": "1.5", "years": "5",
        "reserve_level": "park", "floor_price": "8000", "min_increment": "200",
        "max_increment": "1000", "deposit": "3000",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + HOUR).strftime("%Y-%m-%dT%H:%M"),
        "extension_seconds": "60", "legal_basis": "公告"})
    lot = Lot.objects.get(title="第三批")
    assert response.status_code == 302 and lot.number == 2
    office.post(f"/rights/market/{lot.pk}/deposit/", {"enterprise": world.enterprise_b.pk,
                                                     "amount": "3000"})
    assert lot.deposits.get().enterprise == world.enterprise_b
