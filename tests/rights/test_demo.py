"""The demo: chemical park firms hold rights within the caps, two transfers, a settled VOC
bidding round won by the demo enterprise and an open one it can bid in; loading twice
changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zoneops.core import demo as core_demo
from zoneops.core.models import User
from zoneops.rights import demo, selectors
from zoneops.rights.models import Account, Lot, Movement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_rights_and_bidding_rounds() -> None:
    core_demo.load()
    demo.load()
    contact = User.objects.get(username="enterprise")
    closed, open_now = Lot.objects.order_by("number")
    assert closed.status == "sold" and closed.winner == contact.enterprise
    assert closed.movement.kind == "sale" and closed.bids.count() == 4
    state = selectors.lot_state(contact, open_now, timezone.now())
    assert state.phase == "open" and state.has_deposit and not state.leader_is_me
    assert Movement.objects.filter(kind="transfer").count() == 2
    voc = Account.objects.get(enterprise=contact.enterprise, pollutant="VOCs")
    # Its permit's 3 t/a, 0.5 t/a bought from a neighbour, 2 t/a won in the bidding.
    assert selectors.balance(voc, timezone.localdate()) == 3 + 0.5 + 2
    counts = (Lot.objects.count(), Movement.objects.count())
    demo.load()
    assert (Lot.objects.count(), Movement.objects.count()) == counts


def test_demo_enterprise_has_discharged_85_percent_of_its_cod() -> None:
    from zoneops.rights import discharge

    core_demo.load()
    demo.load()
    contact = User.objects.get(username="enterprise")
    rows = {r.pollutant: r for r in discharge.usage([contact.enterprise])}
    assert rows["COD"].share == pytest.approx(0.85, abs=0.001)
    assert rows["COD"].level == "warn" and rows["COD"].coverage > 0.99
    assert rows["NH3-N"].level == "ok"


def test_demo_stack_loads_and_a_project_that_must_buy() -> None:
    from zoneops.rights import discharge, projects
    from zoneops.rights.models_eia import EiaProject

    core_demo.load()
    demo.load()
    contact = User.objects.get(username="enterprise")
    rows = {r.pollutant: r for r in discharge.usage([contact.enterprise])}
    hours = rows["SO2"].coverage * (
        timezone.now() - timezone.localtime().replace(month=1, day=1, hour=0, minute=0,
                                                     second=0, microsecond=0)
    ).total_seconds() / 3600
    # 18 000 m³/h × 30 mg/m³ SO2 = 0.54 kg/h; NOx as NO2 = 10 + 40 × 46/30 mg/m³.
    assert rows["SO2"].measured_t == pytest.approx(round(hours) * 0.54 / 1000, rel=1e-3)
    assert rows["NOx"].measured_t == pytest.approx(
        round(hours) * 18000 * (10 + 40 * 1.5332) * 1e-9, rel=1e-3)
    assert rows["SO2"].points == ("DEMORIGHTSA01",) and rows["VOCs"].level == "ok"
    assert rows["COD"].share == pytest.approx(0.85, abs=0.001)  # still true with the stack
    check = projects.check(EiaProject.objects.get(enterprise=contact.enterprise),
                           timezone.localdate())
    needs = {n.pollutant: n for n in check.needs}
    assert check.verdict == "buy" and needs["VOCs"].short == pytest.approx(1.5)
    assert needs["SO2"].verdict == "ok"
    demo.load()
    assert EiaProject.objects.count() == 1


def test_demo_has_a_transfer_request_awaiting_the_demo_enterprise() -> None:
    from zoneops.rights.models import TransferRequest

    core_demo.load()
    demo.load()
    contact = User.objects.get(username="enterprise")
    pending = TransferRequest.objects.get()
    assert pending.buyer == contact.enterprise and pending.status == "buyer"
    assert pending.filed_by.username == demo.SELLER_CONTACT
    assert pending.filed_by.enterprise == pending.seller
    demo.load()
    assert TransferRequest.objects.count() == 1
