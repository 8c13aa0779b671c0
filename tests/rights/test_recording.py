"""The office's recording pages: one form per operation, each calling the ledger service;
every refusal explained in Chinese next to its field, and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.matrix import MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Cap, Certificate, Movement, MovementTerms

from .conftest import START

OPERATIONS = ["verification", "sale", "recall", "buyback", "expiry", "cap"]


@pytest.fixture
def capped(world):
    services.set_cap(actor=world.users["office"], pollutant="COD", quantity="100",
                     basis="测试总量")
    return world


def form(world, **extra) -> dict:
    data = {"enterprise": world.enterprise_a.pk, "pollutant": "COD", "reserve_level": "park",
            "quantity": "10", "valid_from": START.isoformat(), "valid_to": "",
            "legal_basis": "排污许可证 甲"}
    data.update(extra)
    return data


PAGES = [Row("/rights/record/", MANAGERS),
         *[Row(f"/rights/record/{op}/", MANAGERS) for op in OPERATIONS],
         *[Row(f"/rights/record/{op}/", MANAGERS, method="POST", data={}, ok=None)
           for op in OPERATIONS],
         Row("/rights/record/nothing/", MANAGERS, ok=404)]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_record_matrix(capped, row):
    Matrix(WORLD_ROLES, capped.client, anonymous=302).check(row)


def test_enterprise_post_writes_nothing(capped):
    before = Movement.objects.count()
    response = capped.client("enterprise_a").post("/rights/record/verification/", form(capped))
    assert response.status_code == 403 and Movement.objects.count() == before


def test_verification_then_sale_with_terms(capped):
    office = capped.client("office")
    response = office.post("/rights/record/verification/", form(capped))
    assert response.status_code == 302 and response["Location"] == "/rights/ledger/"
    response = office.post("/rights/record/sale/", form(
        capped, quantity="2.5", sale_form="listing", price="9000", amount="112500",
        contract_no="挂牌-2026-01", legal_basis="挂牌出让公告"))
    assert response.status_code == 302
    sale = Movement.objects.get(kind="sale")
    assert sale.quantity == Decimal("2.5") and sale.target.enterprise == capped.enterprise_a
    assert (sale.terms.sale_form, sale.terms.price, sale.terms.amount,
            sale.terms.contract_no) == ("listing", Decimal("9000"), Decimal("112500"),
                                        "挂牌-2026-01")
    assert AuditEntry.objects.filter(action="rights.terms").count() == 1
    assert Certificate.objects.filter(movement=sale).count() == 1
    account = Account.objects.get(enterprise=capped.enterprise_a, pollutant="COD")
    assert selectors.balance(account, START) == Decimal("12.5")


def test_sale_needs_a_form_and_a_price_and_writes_nothing(capped):
    office = capped.client("office")
    response = office.post("/rights/record/sale/", form(capped, sale_form="", price=""))
    body = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in body
    response = office.post("/rights/record/sale/", form(capped, sale_form="barter",
                                                        price="100"))
    assert "barter" in response.content.decode() and response.status_code == 200
    assert not Movement.objects.exists() and not MovementTerms.objects.exists()


def test_over_the_cap_error_is_chinese_next_to_quantity_and_nothing_written(capped):
    office = capped.client("office")
    response = office.post("/rights/record/sale/", form(capped, quantity="150",
                                                        sale_form="fixed", price="8000"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="field has-error"' in body and "总量" in body
    assert not Movement.objects.exists() and not MovementTerms.objects.exists()
    audits = AuditEntry.objects.filter(action__startswith="rights.").exclude(
        action="rights.verification").count()
    assert audits == 0


def test_terms_refused_after_the_movement_roll_the_movement_back(capped):
    """A negative amount is refused by the terms, after the movement was checked: the whole
    record is rolled back."""
    response = capped.client("office").post("/rights/record/buyback/", form(
        capped, quantity="1", valid_to="2026-12-31", price="100", amount="-5"))
    assert response.status_code == 200
    assert "金额" in response.content.decode() or "不能为负" in response.content.decode()
    assert not Movement.objects.exists()


def test_recall_needs_an_end_and_an_existing_holding(capped):
    office = capped.client("office")
    response = office.post("/rights/record/recall/", form(capped, quantity="1"))
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = office.post("/rights/record/recall/", form(capped, quantity="1",
                                                          valid_to="2026-12-31"))
    body = response.content.decode()
    assert response.status_code == 200 and "余额为负" in body
    assert not Movement.objects.exists()


@pytest.mark.parametrize("operation", ["recall", "buyback", "expiry"])
def test_back_to_the_reserve(capped, operation):
    office = capped.client("office")
    office.post("/rights/record/verification/", form(capped))
    response = office.post(f"/rights/record/{operation}/", form(
        capped, quantity="4", valid_to="2026-12-31",
        **({"price": "7000", "amount": "28000"} if operation == "buyback" else {})))
    assert response.status_code == 302
    moved = Movement.objects.get(kind=operation)
    assert moved.target.reserve_level == "park" and moved.quantity == 4
    assert hasattr(moved, "terms") == (operation == "buyback")


def test_cap_form(capped):
    office = capped.client("office")
    response = office.post("/rights/record/cap/", {"pollutant": "SO2", "quantity": "50",
                                                   "basis": "总量控制方案"})
    assert response.status_code == 302 and Cap.objects.get(pollutant="SO2").quantity == 50
    office.post("/rights/record/verification/", form(capped))
    response = office.post("/rights/record/cap/", {"pollutant": "COD", "quantity": "5",
                                                   "basis": "压减"})
    assert response.status_code == 200 and "不能低于" in response.content.decode()
    assert Cap.objects.get(pollutant="COD").quantity == 100
