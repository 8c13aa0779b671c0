"""The annual report on real rows: caps, what firms hold, reserve balances, the year's
movements by kind with amounts, measured discharge with the firms at or over 80 %; the page,
the .xlsx and the .docx opened and read back, the command, and who may see it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core.models import Role
from zoneops.core.services.people import create_user
from zoneops.rights import report, services

from .test_discharge import monitored_point

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = timezone.localdate().year
JAN1 = dt.date(YEAR, 1, 1)
NOW = dt.datetime(YEAR, 1, 11, tzinfo=BEIJING)  # 240 hours into the year
SALE, TRANSFER = "出让", "转让"


@pytest.fixture
def year(world):
    office = world.users["office"]
    a, b = world.enterprise_a, world.enterprise_b
    services.set_cap(actor=office, pollutant="COD", quantity="100", basis="测试总量")
    services.set_cap(actor=office, pollutant="NH3-N", quantity="10", basis="测试总量")
    for firm, pollutant, quantity in ((a, "COD", "2.5"), (b, "COD", "7"), (a, "NH3-N", "0.2")):
        services.verify_initial(actor=office, enterprise=firm, pollutant=pollutant,
                                quantity=quantity, legal_basis="排污许可证", valid_from=JAN1)
    services.record_movement(office, "sale", {
        "enterprise": b, "pollutant": "COD", "quantity": "1", "valid_from": JAN1,
        "reserve_level": "park", "legal_basis": "挂牌出让", "sale_form": "listing",
        "price": "9000", "amount": "9000"})
    buyer = create_user(None, {"username": "ent_b", "role": Role.ENTERPRISE,
                               "enterprise": b}, password=PASSWORD)
    # B sells 0.5 t/a to A: B's contact files, A's confirms, the office approves.
    filed = services.file_request(buyer, {
        "buyer": a, "pollutant": "COD", "quantity": "0.5", "price": "8000", "amount": None,
        "valid_from": JAN1, "valid_to": None})
    services.answer(world.users["enterprise_a"], filed, agree=True)
    services.approve(office, filed, legal_basis="批复")
    services.recall(actor=office, enterprise=b, pollutant="COD", quantity="1",
                    legal_basis="收回", valid_from=JAN1, valid_to=dt.date(YEAR, 12, 31))
    # A: 5 L/s × 600 mg/L = 10.8 kg/h COD over 240 h = 2.592 t of its 3 t/a (86 %).
    monitored_point(world, a, "RA", flow=5, cod=600, nh3n=10,
                    start=dt.datetime(YEAR, 1, 1, tzinfo=BEIJING), end=NOW)
    return world


def test_figures(year):
    built = report.build(YEAR, now=NOW)
    cod = next(p for p in built.pollutants if p.pollutant == "COD")
    assert built.on == NOW.date()
    assert cod.cap == 100 and cod.held == Decimal("9.5")
    assert dict(cod.reserves)["园区储备"] == Decimal("-9.5")
    kinds = {k.kind: (k.count, k.quantity, k.amount) for k in cod.kinds if k.count}
    assert kinds == {"verification": (2, Decimal("9.5"), 0),
                     "sale": (1, Decimal("1"), Decimal("9000")),
                     "transfer": (1, Decimal("0.5"), Decimal("4000")),
                     "recall": (1, Decimal("1"), 0)}
    assert cod.measured and cod.measured_firms == 1
    assert cod.measured_t == pytest.approx(2.592) and cod.measured_holding == 3
    assert [(h.enterprise, round(h.share, 3)) for h in cod.heavy] == [("甲化工有限公司", 0.864)]
    nh3n = next(p for p in built.pollutants if p.pollutant == "NH3-N")
    assert nh3n.heavy == [] and nh3n.measured_t == pytest.approx(0.0432)
    so2 = next(p for p in built.pollutants if p.pollutant == "SO2")
    assert so2.cap is None and so2.held == 0 and not any(k.count for k in so2.kinds)
    # Another year has no movements.
    assert not any(k.count for p in report.build(YEAR - 1, now=NOW).pollutants
                   for k in p.kinds)


def test_xlsx_and_docx(year, monkeypatch):
    monkeypatch.setattr(report.timezone, "now", lambda: NOW)
    client = year.client("office")
    response = client.get(f"/rights/report/export.xlsx?year={YEAR}")
    assert response["Content-Disposition"] == f'attachment; filename="rights-report-{YEAR}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["总量与持有", "本年度交易", "实测排放"]
    summary = {r[0]: r for r in book["总量与持有"].iter_rows(values_only=True)}
    assert summary["COD"][1] == 100 and summary["COD"][2] == 9.5
    moves = {(r[0], next(k for k in (SALE, TRANSFER, r[1]) if k in r[1])): r
             for r in book["本年度交易"].iter_rows(values_only=True)}
    assert moves[("COD", SALE)][2:5] == (1, 1, 9000)
    assert moves[("COD", TRANSFER)][2:5] == (1, 0.5, 4000)
    discharge = {r[0]: r for r in book["实测排放"].iter_rows(values_only=True)}
    assert discharge["COD"][2] == pytest.approx(2.592)
    assert "甲化工有限公司 86 %" in discharge["COD"][4]
    response = client.get(f"/rights/report/export.docx?year={YEAR}")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{YEAR} 年度排污权报告" in text and "一、总量与持有" in text
    assert len(doc.tables) == 3
    cells = [c.text for row in doc.tables[2].rows for c in row.cells]
    assert "2.592" in cells and "甲化工有限公司 86 %" in cells
    assert doc.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)


def test_page(year, monkeypatch):
    monkeypatch.setattr(report.timezone, "now", lambda: NOW)
    body = year.client("leader").get(f"/rights/report/?year={YEAR}").content.decode()
    assert f"{YEAR} 年度排污权报告" in body and 'data-pollutant="COD"' in body
    assert "甲化工有限公司 86 %" in body
    assert year.client("leader").get("/rights/report/?year=abc").status_code == 400


def test_command(year, tmp_path):
    out = tmp_path / "report.docx"
    call_command("rights", "report", "--year", str(YEAR), "--out", str(out))
    assert len(Document(str(out)).tables) == 3
    sheet = tmp_path / "report.xlsx"
    call_command("rights", "report", "--year", str(YEAR), "--out", str(sheet))
    assert len(load_workbook(sheet).sheetnames) == 3
    with pytest.raises(CommandError):
        call_command("rights", "report", "--year", str(YEAR), "--out", str(tmp_path / "r.pdf"))
    with pytest.raises(CommandError):
        call_command("rights", "report", "--year", str(YEAR),
                     "--out", str(tmp_path / "missing" / "r.xlsx"))


PAGES = [Row("/rights/report/", INTERNAL), Row("/rights/report/export.xlsx", INTERNAL),
         Row("/rights/report/export.docx", INTERNAL),
         Row("/rights/report/", (), 405, method="POST")]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_report_matrix(world, row):
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)
