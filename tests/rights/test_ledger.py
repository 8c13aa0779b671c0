"""The ledger's rules: double entry, no negative balance, the cap, append-only movements,
and who may write and read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from zoneops.core.models import AuditEntry
from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Movement

from .conftest import START

BASIS = "排污许可证 913304990000000001"


@pytest.fixture
def ledger(world):
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="COD", quantity="100", basis="测试总量")
    services.verify_initial(actor=office, enterprise=world.enterprise_a, pollutant="COD",
                            quantity="60", legal_basis=BASIS, valid_from=START)
    return world


def cod(enterprise) -> Account:
    return Account.objects.get(enterprise=enterprise, pollutant="COD")


def test_verification_gives_five_years_and_is_audited(ledger):
    movement = Movement.objects.get()
    assert movement.valid_to == dt.date(2030, 12, 31)
    account = cod(ledger.enterprise_a)
    assert selectors.balance(account, START) == Decimal(60)
    assert selectors.balance(account, dt.date(2030, 12, 31)) == Decimal(60)
    assert selectors.balance(account, dt.date(2031, 1, 1)) == Decimal(0)
    assert AuditEntry.objects.filter(action="rights.verification",
                                     object_id=str(movement.pk)).exists()


def test_transfer_keeps_the_double_entry(ledger):
    office = ledger.users["office"]
    day = dt.date(2027, 6, 1)
    total_before = selectors.enterprise_total("COD", day)
    services.transfer(actor=office, seller=ledger.enterprise_a, buyer=ledger.enterprise_b,
                      pollutant="COD", quantity="25.5", legal_basis="转让合同",
                      seller_consent="合同 2027-01 甲方签章", buyer_consent="合同 2027-01 乙方签章",
                      valid_from=day, valid_to=dt.date(2030, 12, 31))
    assert selectors.enterprise_total("COD", day) == total_before == Decimal(60)
    assert selectors.balance(cod(ledger.enterprise_a), day) == Decimal("34.5")
    assert selectors.balance(cod(ledger.enterprise_b), day) == Decimal("25.5")
    # Every movement has two sides: all accounts of the pollutant together hold nothing.
    assert sum(selectors.balance(a, day) for a in Account.objects.filter(pollutant="COD")) == 0
    assert selectors.balance(cod(ledger.enterprise_a), dt.date(2027, 5, 31)) == Decimal(60)


def test_transfer_that_would_overdraw_is_refused(ledger):
    with pytest.raises(ValidationError) as caught:
        services.transfer(actor=ledger.users["office"], seller=ledger.enterprise_a,
                          buyer=ledger.enterprise_b, pollutant="COD", quantity="60.0001",
                          legal_basis="转让合同", seller_consent="甲", buyer_consent="乙",
                          valid_from=START)
    assert "quantity" in caught.value.message_dict
    assert Movement.objects.count() == 1


def test_rights_cannot_be_sold_beyond_their_own_period(ledger):
    # Rights held until 2030-12-31 cannot be transferred for a period running into 2031.
    with pytest.raises(ValidationError, match="quantity"):
        services.transfer(actor=ledger.users["office"], seller=ledger.enterprise_a,
                          buyer=ledger.enterprise_b, pollutant="COD", quantity="1",
                          legal_basis="转让合同", seller_consent="甲", buyer_consent="乙",
                          valid_from=dt.date(2027, 1, 1))


def test_cap_is_enforced_and_the_message_is_chinese(ledger):
    office = ledger.users["office"]
    services.sell_from_reserve(actor=office, enterprise=ledger.enterprise_b, pollutant="COD",
                               quantity="40", legal_basis="挂牌出让 2026-03",
                               valid_from=START)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.sell_from_reserve(actor=office, enterprise=ledger.enterprise_b,
                                   pollutant="COD", quantity="0.001", legal_basis="挂牌出让",
                                   valid_from=START)
    assert "总量" in caught.value.message_dict["quantity"][0]
    # Once rights come back to the reserve, they can be sold again.
    services.buy_back(actor=office, enterprise=ledger.enterprise_a, pollutant="COD",
                      quantity="10", legal_basis="关停回购", valid_from=START,
                      valid_to=dt.date(2030, 12, 31))
    services.sell_from_reserve(actor=office, enterprise=ledger.enterprise_b, pollutant="COD",
                               quantity="10", legal_basis="挂牌出让", valid_from=START)
    assert selectors.enterprise_total("COD", START) == Decimal(100)


def test_no_cap_no_issue(world):
    with pytest.raises(ValidationError) as caught:
        services.verify_initial(actor=world.users["office"], enterprise=world.enterprise_a,
                                pollutant="NOx", quantity="1", legal_basis=BASIS,
                                valid_from=START)
    assert "pollutant" in caught.value.message_dict


def test_recall_and_early_expiry_return_rights_to_the_reserve(ledger):
    office = ledger.users["office"]
    services.recall(actor=office, enterprise=ledger.enterprise_a, pollutant="COD",
                    quantity="20", legal_basis="无偿收回", valid_from=dt.date(2028, 1, 1),
                    valid_to=dt.date(2030, 12, 31))
    services.expire(actor=office, enterprise=ledger.enterprise_a, pollutant="COD",
                    quantity="40", legal_basis="排污许可证注销", valid_from=dt.date(2029, 1, 1),
                    valid_to=dt.date(2030, 12, 31))
    account = cod(ledger.enterprise_a)
    assert selectors.balance(account, dt.date(2027, 12, 31)) == Decimal(60)
    assert selectors.balance(account, dt.date(2028, 1, 1)) == Decimal(40)
    assert selectors.balance(account, dt.date(2029, 1, 1)) == Decimal(0)
    with pytest.raises(ValidationError):
        services.recall(actor=office, enterprise=ledger.enterprise_a, pollutant="COD",
                        quantity="1", legal_basis="无偿收回", valid_from=dt.date(2029, 6, 1),
                        valid_to=dt.date(2029, 6, 30))


@pytest.mark.parametrize(("field", "changes"), [
    ("quantity", {"quantity": "0"}),
    ("quantity", {"quantity": "-5"}),
    ("quantity", {"quantity": "abc"}),
    ("legal_basis", {"legal_basis": " "}),
    ("pollutant", {"pollutant": "PM10"}),
    ("valid_to", {"valid_to": dt.date(2025, 1, 1)}),
    ("seller_consent", {"seller_consent": ""}),
    ("buyer_consent", {"buyer_consent": ""}),
])
def test_bad_input_names_the_field(ledger, field, changes):
    arguments = {"actor": ledger.users["office"], "seller": ledger.enterprise_a,
                 "buyer": ledger.enterprise_b, "pollutant": "COD", "quantity": "1",
                 "legal_basis": "转让合同", "seller_consent": "甲", "buyer_consent": "乙",
                 "valid_from": START} | changes
    with pytest.raises(ValidationError) as caught:
        services.transfer(**arguments)
    assert field in caught.value.message_dict
    assert Movement.objects.count() == 1


@pytest.mark.parametrize("sql", ["UPDATE rights_movement SET quantity = 1000",
                                 "DELETE FROM rights_movement"])
def test_database_refuses_to_change_a_movement(ledger, sql):
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql)
    assert Movement.objects.get().quantity == Decimal(60)


def test_database_refuses_a_non_positive_quantity(ledger):
    movement = Movement.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(kind="transfer", source=movement.target, target=movement.source,
                                quantity=0, valid_from=START, valid_to=START, legal_basis="x",
                                created_by=movement.created_by)


@pytest.mark.parametrize("who", ["leader", "duty", "staff_a", "enterprise_a"])
def test_only_office_and_admin_write(ledger, who):
    actor = ledger.users[who]
    with pytest.raises(PermissionDenied):
        services.transfer(actor=actor, seller=ledger.enterprise_a, buyer=ledger.enterprise_b,
                          pollutant="COD", quantity="1", legal_basis="转让合同",
                          seller_consent="甲", buyer_consent="乙", valid_from=START)
    with pytest.raises(PermissionDenied):
        services.set_cap(actor=actor, pollutant="SO2", quantity="5", basis="x")
    assert Movement.objects.count() == 1


def test_admin_writes(ledger):
    services.verify_initial(actor=ledger.users["admin"], enterprise=ledger.enterprise_b,
                            pollutant="COD", quantity="1", legal_basis=BASIS, valid_from=START)
    assert Movement.objects.count() == 2


def test_enterprise_reads_only_its_own_accounts(ledger):
    services.verify_initial(actor=ledger.users["office"], enterprise=ledger.enterprise_b,
                            pollutant="COD", quantity="5", legal_basis=BASIS, valid_from=START)
    own = [h.account for h in selectors.holdings(ledger.users["enterprise_a"], START)]
    assert own == [cod(ledger.enterprise_a)]
    assert selectors.account_balance(ledger.users["enterprise_a"], own[0], START) == 60
    with pytest.raises(PermissionDenied):
        selectors.account_balance(ledger.users["enterprise_a"], cod(ledger.enterprise_b), START)
    internal = selectors.holdings(ledger.users["staff_b"], START)
    assert {h.account for h in internal} == set(Account.objects.all())
