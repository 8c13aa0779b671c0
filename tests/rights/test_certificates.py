"""Electronic certificates: one per movement into an enterprise, superseded (with a
restatement) when rights leave the account, checked by anyone on a public page without a
session, downloaded by the holder as .docx; who may read which (permission matrix)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from docx import Document

from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import AuditEntry
from zoneops.rights import services
from zoneops.rights.models import Certificate
from zoneops.rights.services.certificates import CODE_ALPHABET, CODE_LENGTH

TODAY = timezone.localdate()
START = TODAY.replace(month=1, day=1)


@pytest.fixture
def issued(world):
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="COD", quantity="100", basis="测试总量")
    services.verify_initial(actor=office, enterprise=world.enterprise_a, pollutant="COD",
                            quantity="12.5", legal_basis="排污许可证 甲", valid_from=START)
    services.verify_initial(actor=office, enterprise=world.enterprise_b, pollutant="COD",
                            quantity="7", legal_basis="排污许可证 乙", valid_from=START)
    return world


def cert_of(enterprise) -> Certificate:
    return Certificate.objects.get(enterprise=enterprise, restated=False)


def check(client: Client, number: str, code: str):
    return client.get("/certificate/", {"number": number, "code": code})


def test_a_certificate_for_every_movement_into_an_enterprise(issued):
    a = cert_of(issued.enterprise_a)
    assert (a.pollutant, a.quantity, a.valid_from) == ("COD", Decimal("12.5"), START)
    assert a.valid_to == START.replace(year=START.year + 5) - dt.timedelta(days=1)
    assert a.legal_basis == "排污许可证 甲" and a.movement.kind == "verification"
    assert a.number == f"PWQ-{TODAY.year}-{a.movement.pk:06d}"
    assert len(a.code) == CODE_LENGTH and set(a.code) <= set(CODE_ALPHABET)
    assert cert_of(issued.enterprise_b).code != a.code
    entry = AuditEntry.objects.get(action="rights.certificate", object_id=str(a.pk))
    assert a.code not in str(entry.after)  # the audit trail never shows the code


def test_a_transfer_supersedes_and_restates(issued):
    office = issued.users["office"]
    old = cert_of(issued.enterprise_a)
    movement = services.transfer(actor=office, seller=issued.enterprise_a,
                                 buyer=issued.enterprise_b, pollutant="COD", quantity="2.5",
                                 legal_basis="转让合同 2026-01", seller_consent="甲方签章",
                                 buyer_consent="乙方签章", valid_from=START)
    old.refresh_from_db()
    restated = Certificate.objects.get(restated=True)
    assert old.superseded_by == restated and old.superseded_on == START
    assert old.status(TODAY) == "superseded"
    assert (restated.enterprise, restated.quantity) == (issued.enterprise_a, Decimal("10"))
    assert restated.number.endswith("-R") and restated.status(TODAY) == "valid"
    bought = Certificate.objects.get(movement=movement, restated=False)
    assert (bought.enterprise, bought.quantity) == (issued.enterprise_b, Decimal("2.5"))
    # Everything leaves: the old certificate is superseded, nothing is restated.
    services.recall(actor=office, enterprise=issued.enterprise_a, pollutant="COD",
                    quantity="10", legal_basis="收回决定", valid_from=START,
                    valid_to=restated.valid_to)
    restated.refresh_from_db()
    assert restated.status(TODAY) == "superseded" and restated.superseded_by is None
    assert Certificate.objects.filter(restated=True).count() == 1


def test_status_follows_the_period():
    certificate = Certificate(valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2030, 12, 31))
    assert certificate.status(dt.date(2025, 12, 31)) == "not_yet"
    assert certificate.status(dt.date(2030, 12, 31)) == "valid"
    assert certificate.status(dt.date(2031, 1, 1)) == "expired"
    certificate.superseded_on = dt.date(2027, 1, 1)
    assert certificate.status(dt.date(2026, 6, 1)) == "valid"
    assert certificate.status(dt.date(2027, 1, 1)) == "superseded"


def test_the_public_check_needs_number_and_code_and_no_session(issued):
    a = cert_of(issued.enterprise_a)
    before = Session.objects.count()
    client = Client()
    page = check(client, a.number, a.code.lower()[:4] + " " + a.code[4:])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-status="valid"' in body and "甲化工有限公司" in body and "12.5000" in body
    assert a.code not in body  # the page never repeats the code
    policy = page["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy.split(
        "script-src")[1].split(";")[0]
    wrong = check(client, a.number, "2" * CODE_LENGTH).content.decode()
    unknown = check(client, "PWQ-1999-000001", a.code).content.decode()
    for body in (wrong, unknown):
        assert 'data-status="unknown"' in body and "甲化工有限公司" not in body
    assert "sessionid" not in client.cookies
    assert Session.objects.count() == before
    assert client.get("/certificate/").status_code == 200  # the empty form


def test_the_public_check_shows_superseded(issued):
    office = issued.users["office"]
    a = cert_of(issued.enterprise_a)
    services.recall(actor=office, enterprise=issued.enterprise_a, pollutant="COD",
                    quantity="1", legal_basis="收回决定", valid_from=START,
                    valid_to=a.valid_to)
    body = check(Client(), a.number, a.code).content.decode()
    assert 'data-status="superseded"' in body
    assert Certificate.objects.get(restated=True).number in body


def test_the_holder_downloads_its_certificate(issued):
    a = cert_of(issued.enterprise_a)
    response = issued.client("enterprise_a").get(f"/rights/certificates/{a.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{a.number}.docx"'
    text = "\n".join(cell.text for table in Document(io.BytesIO(response.content)).tables
                     for row in table.rows for cell in row.cells)
    for expected in (a.number, "甲化工有限公司", issued.enterprise_a.credit_code, "COD",
                     "12.5000", "排污许可证 甲", a.code):
        assert expected in text


@pytest.fixture
def certs(issued):
    return issued, cert_of(issued.enterprise_a), cert_of(issued.enterprise_b)


PAGES = [
    Row("/rights/certificates/", INTERNAL | {"enterprise_a"}),
    Row("/rights/certificates/{a}/", INTERNAL | {"enterprise_a"}),
    Row("/rights/certificates/{b}/", INTERNAL, {"enterprise_a": 404}),
    Row("/rights/certificates/{a}/docx/", INTERNAL | {"enterprise_a"}),
    Row("/rights/certificates/{b}/docx/", INTERNAL, {"enterprise_a": 404}),
    Row("/rights/certificates/{a}/docx/", (), 405, method="POST"),
]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_certificate_pages_matrix(certs, row):
    world, a, b = certs
    fill = lambda url: url.replace("{a}", str(a.pk)).replace("{b}", str(b.pk))  # noqa: E731
    anonymous = 302
    Matrix(WORLD_ROLES, world.client, anonymous=anonymous, fill=fill).check(row)


@pytest.mark.parametrize("who", [*INTERNAL, "enterprise_a", None])
def test_public_check_is_open_to_everyone(certs, who):
    world, a, _b = certs
    assert 'data-status="valid"' in check(world.client(who), a.number,
                                          a.code).content.decode()


def test_the_list_is_scoped(certs):
    world, a, b = certs
    body = world.client("enterprise_a").get("/rights/certificates/").content.decode()
    assert a.number in body and b.number not in body
    body = world.client("office").get("/rights/certificates/").content.decode()
    assert a.number in body and b.number in body
