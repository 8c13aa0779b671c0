"""Water monitoring points speak HJ 212 through the same gateway, but the air watch leaves
them out: they are shown on the wastewater chain's pages."""

from __future__ import annotations

from zoneops.environment.services import create_station
from zoneops.environment.views import status_data


def test_the_air_watch_leaves_water_points_out(world, env):
    admin = world.users["admin"]
    create_station(admin, {"mn": "WATER0001", "password": "pw", "name": "纳管口", "kind":
                           "wastewater", "latitude": 30.70, "longitude": 120.90},
                   factors=["w01018"])
    create_station(admin, {"mn": "RIVER0001", "password": "pw", "name": "河道断面", "kind":
                           "surface_water", "latitude": 30.71, "longitude": 120.90},
                   factors=["w01018"])
    shown = {s["mn"] for s in status_data(admin)["stations"]}
    assert {"PLANT0001", "EDGE0001"} <= shown
    assert not shown & {"WATER0001", "RIVER0001"}
