"""The ledger page and its xlsx export: every movement for internal roles, only those touching
its own accounts for an enterprise; formula-like text stays text in the export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import Enterprise, Role
from zoneops.core.services.people import create_user
from zoneops.rights import services

from .conftest import START

EVIL = "=HYPERLINK(\"http://example.invalid\",\"x\")"


@pytest.fixture
def moved(world):
    office = world.users["office"]
    services.set_cap(actor=office, pollutant="COD", quantity="100", basis="测试总量")
    services.verify_initial(actor=office, enterprise=world.enterprise_a, pollutant="COD",
                            quantity="12.5", legal_basis=EVIL, valid_from=START)
    services.verify_initial(actor=office, enterprise=world.enterprise_b, pollutant="COD",
                            quantity="7", legal_basis="排污许可证 乙", valid_from=START)
    c = Enterprise.objects.create(credit_code="91330499MA0000003X", name="丙纺织有限公司")
    services.verify_initial(actor=office, enterprise=c, pollutant="COD", quantity="3",
                            legal_basis="排污许可证 丙", valid_from=START)
    services.transfer(actor=office, seller=world.enterprise_b, buyer=c, pollutant="COD",
                      quantity="1", legal_basis="乙丙转让合同", seller_consent="乙",
                      buyer_consent="丙", valid_from=START)
    return world


PAGES = [Row("/rights/ledger/", INTERNAL | {"enterprise_a"}),
         Row("/rights/ledger/export.xlsx", INTERNAL | {"enterprise_a"}),
         Row("/rights/ledger/", (), 405, method="POST"),
         Row("/rights/ledger/export.xlsx", (), 405, method="POST")]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_ledger_matrix(moved, row):
    Matrix(WORLD_ROLES, moved.client, anonymous=302).check(row)


def sheet_rows(client):
    response = client.get("/rights/ledger/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rights-ledger-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def test_enterprise_sees_only_movements_touching_its_accounts(moved):
    body = moved.client("enterprise_a").get("/rights/ledger/").content.decode()
    assert "甲化工有限公司" in body and "乙建材有限公司" not in body and "丙纺织" not in body
    _sheet, rows = sheet_rows(moved.client("enterprise_a"))
    assert len(rows) == 2 and rows[1][5] == "甲化工有限公司"
    # A contact of enterprise B sees its verification and its transfer to C, not A's.
    create_user(None, {"username": "ent_b", "role": Role.ENTERPRISE,
                       "enterprise": moved.enterprise_b}, password=PASSWORD)
    client = moved.client(None)
    assert client.login(username="ent_b", password=PASSWORD)
    _sheet, rows = sheet_rows(client)
    assert [r[6] for r in rows[1:]] == [7, 1]
    assert all("甲化工有限公司" not in r for r in rows)


def test_office_exports_everything_and_no_text_becomes_a_formula(moved):
    sheet, rows = sheet_rows(moved.client("office"))
    assert rows[0][0] == "交易编号" and len(rows) == 5
    assert [r[6] for r in rows[1:]] == [12.5, 7, 3, 1]
    assert rows[1][9] == EVIL and sheet.cell(row=2, column=10).data_type == "s"
    assert rows[4][10:12] == ["乙", "丙"]
