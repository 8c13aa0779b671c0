"""The chain's pages: who sees what (permission matrix, row scope), and what they show."""

from __future__ import annotations

import csv
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.matrix import EVERYONE, READ_ALL, WORLD_ROLES, Matrix, Row, ids

from .conftest import UNTIL

Q = f"?until={UNTIL}&days=4"
PAGES = [
    Row("/water/", EVERYONE, 403),
    Row("/water/status.json" + Q, EVERYONE, 403),
    Row("/water/balance/" + Q, EVERYONE, 403),
    Row("/water/report/?month=2026-12", EVERYONE, 403),
    Row("/water/report.xlsx?month=2026-12", EVERYONE, 403),
    Row("/water/report.docx?month=2026-12", EVERYONE, 403),
    Row("/water/points/{s1}/" + Q, READ_ALL | {"staff_a", "enterprise_a"}, 404),
    Row("/water/points/{s1}/series.json" + Q, READ_ALL | {"staff_a", "enterprise_a"}, 404),
    Row("/water/points/{s1}/export.csv" + Q, READ_ALL | {"staff_a", "enterprise_a"}, 404),
    Row("/water/points/{n1}/" + Q, READ_ALL | {"staff_b"}, 404),
    Row("/water/points/{n1}/series.json" + Q, READ_ALL | {"staff_b"}, 404),
    Row("/water/points/{n1}/export.csv" + Q, READ_ALL | {"staff_b"}, 404),
]
# Every page is read-only: a POST is refused the same way for everyone signed in.
POSTS = [Row(r.url, EVERYONE, 403, method="POST", data={}, ok=405) for r in PAGES]


@pytest.mark.parametrize("row", PAGES + POSTS, ids=ids(PAGES + POSTS))
def test_pages(wc, row) -> None:
    pks = {k: p.pk for k, p in wc.points.items()}
    Matrix(WORLD_ROLES, wc.world.client, anonymous=302,
           fill=lambda url: url.format(s1=pks["S1"], n1=pks["N1"])).check(row)


def test_the_chain_status_shows_the_night_discharge_and_only_own_points(wc) -> None:
    office = wc.world.client("office").get("/water/status.json?until=" + UNTIL).json()
    states = {p["code"]: p["state"] for p in office["points"]}
    assert states["N1"] == 3  # the scripted discharge into N1
    assert states["S1"] == 0 and states["R-up"] == 0
    found = [a for a in office["anomalies"] if a["point"] == "N1"]
    assert found[0]["kind"] == "unexplained_load" and found[0]["pollutant"] == "COD"
    assert "N1 收到的 COD 比其上游" in found[0]["why"] and found[0]["start"] == "2026-12-04 01:00"
    english = wc.world.client("office").get("/water/status.json?until=" + UNTIL,
                                            HTTP_ACCEPT_LANGUAGE="en").json()
    assert "N1 received" in english["anomalies"][0]["why"]
    edges = {p["code"]: (p["downstream"], p["travel_minutes"]) for p in office["points"]}
    assert edges["S1"][0] == "N1" and edges["P-in"] == ("P-out", 600.0)
    # An enterprise contact sees its own point only, and no finding elsewhere.
    mine = wc.world.client("enterprise_a").get("/water/status.json?until=" + UNTIL).json()
    assert [p["code"] for p in mine["points"]] == ["S1"]
    assert mine["anomalies"] == [] and mine["points"][0]["downstream"] is None


def test_the_chain_page_is_in_chinese_and_english(wc) -> None:
    page = wc.world.client("office").get("/water/")
    assert "污水" in page.content.decode()
    english = wc.world.client("office")
    english.cookies["django_language"] = "en"
    assert "Wastewater chain" in english.get("/water/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_series_has_loads_expected_residuals_and_limits(wc) -> None:
    n1 = wc.points["N1"].pk
    data = wc.world.client("office").get(f"/water/points/{n1}/series.json{Q}").json()
    assert len(data["times"]) == 96
    cod = data["pollutants"]["COD"]
    hour = data["times"].index("2026-12-04 02:00")
    assert cod["residual_kg_h"][hour] > 15  # the 20 kg/h discharge
    assert abs(cod["residual_kg_h"][hour - 12]) < 1.5
    s1 = wc.points["S1"].pk
    limits = wc.world.client("office").get(f"/water/points/{s1}/series.json{Q}").json()["limits"]
    assert limits == {"COD": 100.0}  # GB 31571-2015 indirect, from data/limits.json
    out = wc.points["P-out"].pk
    plant = wc.world.client("office").get(f"/water/points/{out}/series.json{Q}").json()
    assert plant["limits"] == {"COD": 50.0, "NH3-N": 5.0, "TN": 15.0, "TP": 0.5}
    # The plant's outlet is read from its e2xxyy codes: a load at every hour.
    assert None not in plant["pollutants"]["COD"]["load_kg_h"][1:]


def test_daily_balance_table_marks_the_day_of_the_discharge(wc) -> None:
    page = wc.world.client("office").get(f"/water/balance/{Q}").content.decode()
    assert 'data-point="N1" data-date="2026-12-04" data-within="no"' in page
    assert 'data-point="N1" data-date="2026-12-02" data-within="yes"' in page
    bad = wc.world.client("office").get("/water/balance/?pollutant=BOD")
    assert bad.status_code == 400 and "污染物" in bad.content.decode()
    assert wc.world.client("office").get("/water/balance/?days=400").status_code == 400


def test_a_gap_is_never_a_zero_load(world) -> None:
    from zoneops.water.simulate import Gap

    from .conftest import build

    chain = build(world, discharges=(), gaps=(Gap("S1", 24 + 2, 10, flag="D"),))
    s1 = chain.points["S1"].pk
    client = world.client("office")
    data = client.get(f"/water/points/{s1}/series.json{Q}").json()
    cod = data["pollutants"]["COD"]
    hour = data["times"].index("2026-12-02 05:00")
    assert cod["load_kg_h"][hour] is None and cod["coverage"][hour] == 0
    rows = list(csv.reader(io.StringIO(
        client.get(f"/water/points/{s1}/export.csv{Q}").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "2026-12-02 05:00")
    assert row[4] == ""  # the COD load cell of a gap: empty, not 0
    page = client.get(f"/water/points/{s1}/{Q}").content.decode()
    assert "缺测" in page  # 2026-12-02: 14 of 24 hours, below 75 %: no daily load


def test_monthly_report_in_excel_and_word_with_neutralised_cells(wc) -> None:
    from zoneops.water.services import update_point

    update_point(wc.world.users["admin"], wc.points["S1"], {"name": "=HYPERLINK(\"http://x\")"})
    client = wc.world.client("office")
    book = load_workbook(io.BytesIO(client.get("/water/report.xlsx?month=2026-12").content))
    loads = book.worksheets[0]
    names = [row[1].value for row in loads.iter_rows(min_row=4)]
    assert "=HYPERLINK(\"http://x\")" in names
    cell = next(row[1] for row in loads.iter_rows(min_row=4) if row[0].value == "S1")
    assert cell.data_type == "s"
    rivers = book.worksheets[2]
    r_down = next(row for row in rivers.iter_rows(min_row=4, values_only=True)
                  if row[0] == "R-down")
    assert r_down[2] == "III" and r_down[3] in ("I", "II", "III") and r_down[4] == "达标"
    doc = Document(io.BytesIO(client.get("/water/report.docx?month=2026-12").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026-12" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "R-down" in cells and any("N1 收到的 COD" in c for c in cells)
    assert client.get("/water/report/?month=2026-13").status_code == 400


def test_enterprise_report_holds_only_its_points(wc) -> None:
    client = wc.world.client("enterprise_a")
    book = load_workbook(io.BytesIO(client.get("/water/report.xlsx?month=2026-12").content))
    codes = [row[0].value for row in book.worksheets[0].iter_rows(min_row=4)]
    assert codes == ["S1"]


def test_the_points_scope_agrees_with_itself(wc) -> None:
    from tests.core.test_scope import assert_agrees
    from zoneops.water.models import WaterPoint
    from zoneops.water.permissions import POINTS

    assert_agrees(POINTS, list(wc.world.users.values()), list(WaterPoint.objects.all()))
    seen = {u: set(POINTS.restrict(wc.world.users[u], "view").values_list("code", flat=True))
            for u in ("staff_a", "staff_a1", "enterprise_a", "office")}
    assert seen["staff_a"] == {"S1"} and seen["enterprise_a"] == {"S1"}
    assert seen["staff_a1"] == set() and len(seen["office"]) == 8
