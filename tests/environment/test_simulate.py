"""Virtual loggers against the real gateway: dropouts and resends store every upload once;
a release reaches the stations downwind (and only those)."""

from __future__ import annotations

import asyncio
import math
from datetime import datetime
from itertools import pairwise

import pytest

from zoneops.environment.convert import BEIJING
from zoneops.environment.models import Reading
from zoneops.environment.simulate import Release, SimStation, VirtualLogger, World


def test_release_reaches_downwind_stations_only():
    world = World(flag_rate=0)
    # Wind from ~135° (south-east) blows towards the north-west.
    source = (30.70, 120.90)
    world.releases.append(Release(*source, "a21028", 2.0, start=0, duration=3600))
    t = 330.0  # the wind then comes from about 142°: downwind is a bearing of about 322°
    downwind, upwind = _at(800, 322), _at(800, 142)
    assert world.plume(downwind, "a21028", t) > 0.05
    assert world.plume(upwind, "a21028", t) == 0
    assert world.plume(downwind, "a21028", 1.0) == 0  # not arrived yet (800 m at ~2.5 m/s)


def _at(distance_m: float, bearing_deg: float, origin=(30.70, 120.90)) -> SimStation:
    from zoneops.dispersion import LocalProjection

    lat0, lon0 = origin
    x = distance_m * math.sin(math.radians(bearing_deg))
    y = distance_m * math.cos(math.radians(bearing_deg))
    lon, lat = LocalProjection(lon0, lat0).to_lonlat(x, y)
    return SimStation(f"R{distance_m:.0f}", "p", "boundary", lat, lon, ("a21028",))


def test_the_plume_follows_the_gaussian_formulas_and_never_goes_negative():
    from zoneops.dispersion import PlumeModel

    world = World(flag_rate=0)
    world.releases.append(Release(30.70, 120.90, "a21028", 2.0, start=0, duration=10**6))
    wind = (2.5, 135.0)  # from the south-east: downwind is a bearing of 315°
    t = 5000.0
    near = [world.plume(_at(d, 315), "a21028", t, wind) for d in (1, 5, 20, 50)]
    assert all(c > 0 for c in near)  # the old wedge went negative within 50 m
    # Falls with distance downwind.
    along = [world.plume(_at(d, 315), "a21028", t, wind) for d in (100, 200, 500, 1000, 3000)]
    assert all(a > b > 0 for a, b in pairwise(along))
    # Higher at lower wind speed (C ~ 1/u for one stability class).
    slow, fast = (world.plume(_at(500, 315), "a21028", t, (u, 135.0)) for u in (1.5, 6.0))
    assert slow == pytest.approx(fast * 4, rel=1e-6)
    # Right direction: the axis beats 20° off it, and nothing upwind or across.
    assert world.plume(_at(500, 335), "a21028", t, wind) < along[2]
    for bearing in (135, 45, 225):
        assert world.plume(_at(500, bearing), "a21028", t, wind) == 0
    # Stability: a stable night (F) keeps the ground-level plume far stronger than an
    # unstable day (A) at a kilometre.
    stable = World(flag_rate=0, stability="F", releases=world.releases)
    unstable = World(flag_rate=0, stability="A", releases=world.releases)
    far = _at(1000, 315)
    assert stable.plume(far, "a21028", t, wind) > 10 * unstable.plume(far, "a21028", t, wind)
    # It is the library's plume (mg/m³ = g/m³ x 1000), not a look-alike.
    station = _at(500, 315)
    from zoneops.dispersion import LocalProjection

    x, y = LocalProjection(120.90, 30.70).to_xy(station.lon, station.lat)
    expected = PlumeModel(stability="D", wind_speed_m_s=2.5, wind_from_deg=135.0
                          ).unit_concentration(0, 0, 2.0, x, y, 1.5) * 2.0 * 1000
    assert world.plume(station, "a21028", t, wind) == pytest.approx(float(expected))
    # Never negative anywhere around the source, whatever the wind.
    for speed in (0.2, 1.0, 3.0, 10.0):
        for bearing in range(0, 360, 15):
            for d in (0.5, 3, 30, 300, 3000):
                assert world.plume(_at(d, bearing), "a21028", t, (speed, 135.0)) >= 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loggers_with_dropouts_resend_and_every_upload_is_stored_once(env, gateway):
    stations = [SimStation(s.mn, s.password, s.kind, s.latitude, s.longitude, ("a21028",))
                for s in (env.plant, env.edge, env.mast)]
    loggers = [VirtualLogger(s, "127.0.0.1", gateway.port, World(), interval=60, dropout=0.2,
                             seed=3) for s in stations]
    start = datetime(2026, 3, 1, 8, 0, tzinfo=BEIJING)

    async def main():
        await asyncio.gather(*(lg.run(count=20, pace=0.005, start=start) for lg in loggers))

    asyncio.run(asyncio.wait_for(main(), 60))
    assert all(not lg.unacked for lg in loggers)
    assert sum(lg.stats.reconnects for lg in loggers) > 0
    assert Reading.objects.count() == 3 * 20
