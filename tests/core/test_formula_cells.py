"""Exports neutralise formula prefixes in people's text (issue 17, item 5): one helper,
core/cells.py, used by the supervision export and monthly report, the voting exports and the
environment readings CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import Workbook, load_workbook

from tests.environment.conftest import env  # noqa: F401 - fixture
from tests.supervision.conftest import english, fixed_today, sup  # noqa: F401 - fixtures
from zoneops.core.cells import append_row, csv_row
from zoneops.environment import services as env_services
from zoneops.environment.models import Station
from zoneops.environment.services import ReadingIn
from zoneops.supervision.models import Item, Report

ATTACKS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_cells_get_an_apostrophe_numbers_do_not():
    row = csv_row([*ATTACKS, "-1.5", 3, -2.0, "normal", "a=b"])
    assert row[:6] == [f"'{a}" for a in ATTACKS]
    assert row[6:] == ["-1.5", 3, -2.0, "normal", "a=b"]


def test_xlsx_cells_are_never_formulas():
    book = Workbook()
    append_row(book.active, [*ATTACKS, "-1.5", 7])
    data = io.BytesIO()
    book.save(data)
    cells = list(load_workbook(io.BytesIO(data.getvalue())).active.iter_rows())[0]
    assert [c.value for c in cells] == [*ATTACKS, "-1.5", 7]
    assert [c.data_type for c in cells[:6]] == ["s"] * 6


def test_the_supervision_export_keeps_a_title_and_a_summary_as_text(world, sup):  # noqa: F811
    Item.objects.filter(pk=sup.item_a.pk).update(title=ATTACKS[0])
    Report.objects.create(item=sup.item_a, period="2026-05", progress=10, summary=ATTACKS[0],
                          submitted_by=world.users["staff_a"], submitted_at=datetime.now(UTC))
    content = world.client("office").get("/supervision/export.xlsx").content
    book = load_workbook(io.BytesIO(content))
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row]
    assert formulas == [] and texts.count(ATTACKS[0]) >= 3


def test_the_readings_csv_neutralises_a_station_name(world, env):  # noqa: F811
    Station.objects.filter(pk=env.plant.pk).update(name="=cmd|' /C calc'!A0")
    env_services.ingest(env.plant.pk, [ReadingIn("a21028", datetime(2026, 3, 1, 8, tzinfo=UTC),
                                                 "rtd", -0.5)])
    response = world.client("duty").get(
        f"/environment/stations/{env.plant.pk}/export.csv?from=2026-03-01T16:00"
        "&to=2026-03-01T17:00")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'=cmd|' /C calc'!A0" and rows[1][8] == "-0.5"
