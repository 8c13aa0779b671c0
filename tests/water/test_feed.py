"""Stored HJ 212 water readings feed the balance: `zoneops water check` on the registered
chain gives what the engine gives on the same chain as a file, and raises core alerts."""

from __future__ import annotations

import io
import json
from datetime import datetime

from django.core.management import call_command

from zoneops.core.models import Alert
from zoneops.environment.convert import ReadingIn, Upload
from zoneops.environment.services import create_station, ingest_batch
from zoneops.water.balance import run
from zoneops.water.selectors import FACTORS
from zoneops.water.services import create_point
from zoneops.water.simulate import Discharge, Gap, simulate


def test_stored_readings_are_balanced_and_raise_alerts(world) -> None:
    admin = world.users["admin"]
    doc = simulate(days=4, seed=12, step_minutes=60,
                   discharges=(Discharge("N1", 3 * 24 + 1, 3, cod_kg_h=30.0),),
                   gaps=(Gap("S2", 50, 2, flag="M"),))
    made: dict = {}
    for i, p in enumerate(reversed(doc["points"])):
        station = None
        if p["id"] != "N2":  # N2 has no monitor: the engine walks through it
            station = create_station(admin, {"mn": f"W{i:04d}", "password": "pw", "name": p["id"],
                                           "kind": "enterprise", "latitude": 30.7,
                                           "longitude": 120.9}, factors=list(FACTORS))
        made[p["id"]] = create_point(admin, {
            "code": p["id"], "name": p["id"], "kind": p["kind"], "station": station,
            "downstream": made.get(p.get("downstream")),
            "travel_minutes": p.get("travel_minutes", 0.0),
            "target_class": p.get("target_class", ""), "limit_set": p.get("limit_set", "")})
    code_of = {field: code for code, field in FACTORS.items()}
    uploads = []
    for row in doc["series"]:
        if row["point"] == "N2":
            continue
        when = datetime.fromisoformat(row["time"])
        readings = [ReadingIn(code_of[f], when, "hour", row[f], row["flag"])
                    for f in code_of if f != "ph"]
        uploads.append(Upload(made[row["point"]].station_id, readings))
    ingest_batch(uploads)

    out = io.StringIO()
    call_command("water", "check", "--from", "2026-12-01", "--to", "2026-12-05",
                 "--raise-alerts", stdout=out)
    stored = json.loads(out.getvalue())["anomalies"]
    doc["series"] = [r for r in doc["series"] if r["point"] != "N2"]
    assert stored == run(doc)["anomalies"]
    kinds = {(a["point"], a["kind"], a["pollutant"]) for a in stored}
    assert ("N1", "unexplained_load", "COD") in kinds
    # S2 feeds the unmonitored N2: its maintenance hours leave the plant inlet unbalanced.
    assert ("P-in", "data_quality", "COD") in kinds
    assert any("S2: flag M" in a["why"] for a in stored)
    assert Alert.objects.filter(module="water", key="N1:unexplained_load:COD").exists()
    assert Alert.objects.filter(module="water").count() == len(stored)
