"""Transfer requests: the seller files, the buyer confirms, the office approves (then the
ledger moves, with certificates and terms) or rejects; each side sees only its own requests;
the seller's balance is checked at filing and again at approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.conftest import PASSWORD
from tests.matrix import INTERNAL, MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry, Enterprise, Role
from zoneops.core.services.people import create_user
from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Certificate, Movement, TransferRequest

from .conftest import START

Status = TransferRequest.Status


@pytest.fixture
def market(world):
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="COD", quantity="100", basis="测试总量")
    for firm in (world.enterprise_a, world.enterprise_b):
        services.verify_initial(actor=office, enterprise=firm, pollutant="COD", quantity="10",
                                legal_basis="排污许可证", valid_from=START)
    world.users["buyer_b"] = create_user(None, {"username": "ent_b", "role": Role.ENTERPRISE,
                                                "enterprise": world.enterprise_b},
                                         password=PASSWORD)
    return world


def terms(world, **extra) -> dict:
    data = {"buyer": world.enterprise_b, "pollutant": "COD", "quantity": Decimal("4"),
            "price": Decimal("9000"), "amount": None, "contract_no": "ZR-001",
            "valid_from": START, "valid_to": None}
    data.update(extra)
    return data


def post_data(world, **extra) -> dict:
    data = {"buyer": world.enterprise_b.pk, "pollutant": "COD", "quantity": "4",
            "price": "9000", "amount": "", "contract_no": "ZR-001",
            "valid_from": START.isoformat(), "valid_to": ""}
    data.update(extra)
    return data


def balance(firm, on=START) -> Decimal:
    return selectors.balance(Account.objects.get(enterprise=firm, pollutant="COD"), on)


def test_flow_end_to_end_in_the_browser_forms(market):
    seller, buyer, office = (market.client("enterprise_a"), market.client("buyer_b"),
                             market.client("office"))
    response = seller.post("/rights/requests/new/", post_data(market))
    assert response.status_code == 302
    filed = TransferRequest.objects.get()
    assert (filed.status, filed.amount, filed.seller) == (Status.AWAITING_BUYER,
                                                         Decimal("36000.00"),
                                                         market.enterprise_a)
    # The office cannot approve before the buyer confirms.
    office.post(f"/rights/requests/{filed.pk}/approve/", {"legal_basis": "批复"})
    assert TransferRequest.objects.get().status == Status.AWAITING_BUYER
    # The seller cannot answer for the buyer.
    assert seller.post(f"/rights/requests/{filed.pk}/answer/",
                       {"agree": "yes"}).status_code == 403
    assert buyer.post(f"/rights/requests/{filed.pk}/answer/",
                      {"agree": "yes"}).status_code == 302
    assert TransferRequest.objects.get().status == Status.AWAITING_OFFICE
    assert not Movement.objects.filter(kind="transfer").exists()
    response = office.post(f"/rights/requests/{filed.pk}/approve/",
                           {"legal_basis": "管委会批复〔2026〕1号"})
    assert response.status_code == 302
    done = TransferRequest.objects.get()
    assert done.status == Status.APPROVED and done.decided_by == market.users["office"]
    movement = done.movement
    assert movement.kind == "transfer" and movement.quantity == 4
    assert "ZR-001" in movement.source_consent and "ZR-001" in movement.target_consent
    assert movement.terms.price == 9000 and movement.terms.amount == Decimal("36000.00")
    assert (balance(market.enterprise_a), balance(market.enterprise_b)) == (6, 14)
    assert Certificate.objects.filter(movement=movement, enterprise=market.enterprise_b,
                                      restated=False).exists()
    actions = list(AuditEntry.objects.filter(action__startswith="rights.request")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["rights.request", "rights.request_answer", "rights.request_decision"]


def test_seller_balance_gone_by_approval_time(market):
    seller, buyer = market.users["enterprise_a"], market.users["buyer_b"]
    office = market.users["office"]
    filed = services.file_request(seller, terms(market, quantity=Decimal("8")))
    services.answer(buyer, filed, agree=True)
    # Meanwhile the office recalls most of the seller's rights.
    services.recall(actor=office, enterprise=market.enterprise_a, pollutant="COD",
                    quantity="5", legal_basis="收回", valid_from=START,
                    valid_to=filed.valid_to)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.approve(office, filed, legal_basis="批复")
    assert "仅持有" in caught.value.messages[0] or "只" in caught.value.messages[0]
    assert TransferRequest.objects.get().status == Status.AWAITING_OFFICE
    assert not Movement.objects.filter(kind="transfer").exists()
    # The page shows the refusal and writes nothing.
    response = market.client("office").post(f"/rights/requests/{filed.pk}/approve/",
                                            {"legal_basis": "批复"}, follow=True)
    assert "COD" in response.content.decode()
    assert not Movement.objects.filter(kind="transfer").exists()


def test_filing_checks_the_balance_and_the_fields(market):
    client = market.client("enterprise_a")
    response = client.post("/rights/requests/new/", post_data(market, quantity="11"))
    body = response.content.decode()
    assert response.status_code == 200 and "甲化工有限公司" in body and "has-error" in body
    response = client.post("/rights/requests/new/", post_data(market, price="abc"))
    assert response.status_code == 200 and "输入一个数字" in response.content.decode()
    response = client.post("/rights/requests/new/", post_data(
        market, buyer=market.enterprise_a.pk))
    assert response.status_code == 200  # itself is not among the buyers
    with pytest.raises(ValidationError):
        services.file_request(market.users["enterprise_a"],
                              terms(market, buyer=market.enterprise_a))
    assert not TransferRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        services.file_request(market.users["office"], terms(market))


def test_decline_and_reject(market):
    seller, buyer = market.users["enterprise_a"], market.users["buyer_b"]
    first = services.file_request(seller, terms(market))
    services.answer(buyer, first, agree=False, reason="价格过高")
    assert TransferRequest.objects.get(pk=first.pk).status == Status.DECLINED
    second = services.file_request(seller, terms(market))
    office = market.client("office")
    response = office.post(f"/rights/requests/{second.pk}/reject/", {"reason": ""},
                           follow=True)
    assert "说明" in response.content.decode() or "理由" in response.content.decode()
    assert TransferRequest.objects.get(pk=second.pk).status == Status.AWAITING_BUYER
    office.post(f"/rights/requests/{second.pk}/reject/", {"reason": "买方无建设项目"})
    rejected = TransferRequest.objects.get(pk=second.pk)
    assert rejected.status == Status.REJECTED and rejected.reason == "买方无建设项目"
    with pytest.raises(ValidationError):
        services.answer(buyer, rejected, agree=True)
    assert not Movement.objects.filter(kind="transfer").exists()


@pytest.fixture
def filed(market):
    request = services.file_request(market.users["enterprise_a"], terms(market))
    other = Enterprise.objects.create(credit_code="91330499MA0000009X", name="丁印染有限公司")
    services.verify_initial(actor=market.users["office"], enterprise=other, pollutant="COD",
                            quantity="3", legal_basis="许可证", valid_from=START)
    stranger = create_user(None, {"username": "ent_d", "role": Role.ENTERPRISE,
                                  "enterprise": other}, password=PASSWORD)
    market.users["stranger"] = stranger
    market.request = request
    return market


ROLES = (*WORLD_ROLES, "buyer_b", "stranger")
PARTIES = {"enterprise_a", "buyer_b"}
PAGES = [Row("/rights/requests/", INTERNAL | PARTIES | {"stranger"}),
         Row("/rights/requests/new/", {"enterprise_a", "buyer_b", "stranger"}),
         Row("/rights/requests/{request}/", INTERNAL | PARTIES,
             {"stranger": 404}),
         Row("/rights/requests/{request}/answer/", {"buyer_b"},
             {**{r: 403 for r in (*INTERNAL, "enterprise_a")}, "stranger": 404},
             method="POST", data={"agree": "no"}, ok=None),
         Row("/rights/requests/{request}/approve/", (),
             {**{r: 403 for r in (*INTERNAL - MANAGERS, "enterprise_a", "buyer_b",
                                  "stranger")}, "admin": 302, "office": 302},
             method="POST", data={"legal_basis": ""}),
         Row("/rights/requests/{request}/reject/", (),
             {**{r: 403 for r in (*INTERNAL - MANAGERS, "enterprise_a", "buyer_b",
                                  "stranger")}, "admin": 302, "office": 302},
             method="POST", data={"reason": ""}),
         Row("/rights/requests/{request}/withdraw/", {"enterprise_a"},
             {**{r: 403 for r in (*INTERNAL, "buyer_b")}, "stranger": 404},
             method="POST", ok=None),
         Row("/rights/requests/", (), 405, method="POST")]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_requests_matrix(filed, row):
    Matrix(ROLES, filed.client, anonymous=302,
           fill=lambda url: url.replace("{request}", str(filed.request.pk))).check(row)
    assert TransferRequest.objects.get().status == Status.AWAITING_BUYER


def test_each_side_sees_only_its_own_requests(filed):
    assert "丁印染" not in filed.client("enterprise_a").get("/rights/requests/").content.decode()
    body = filed.client("stranger").get("/rights/requests/").content.decode()
    assert 'data-request="' not in body
    body = filed.client("buyer_b").get(f"/rights/requests/{filed.request.pk}/").content.decode()
    assert 'data-testid="confirm"' in body and 'data-testid="approve"' not in body


def test_seller_withdraws_its_own_open_request(filed):
    seller = filed.client("enterprise_a")
    body = seller.get(f"/rights/requests/{filed.request.pk}/").content.decode()
    assert 'data-testid="withdraw"' in body and 'data-testid="confirm"' not in body
    assert seller.post(f"/rights/requests/{filed.request.pk}/withdraw/").status_code == 302
    assert TransferRequest.objects.get().status == Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.answer(filed.users["buyer_b"], filed.request, agree=True)
    with pytest.raises(ValidationError):
        services.withdraw(filed.users["enterprise_a"], filed.request)
