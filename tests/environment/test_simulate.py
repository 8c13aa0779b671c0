"""Virtual loggers against the real gateway: dropouts and resends store every upload once;
a release reaches the stations downwind (and only those)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from zoneops.environment.convert import BEIJING
from zoneops.environment.models import Reading
from zoneops.environment.simulate import Release, SimStation, VirtualLogger, World


def test_release_reaches_downwind_stations_only():
    world = World(flag_rate=0)
    # Wind from ~135° (south-east) blows towards the north-west.
    source = (30.70, 120.90)
    world.releases.append(Release(*source, "a21028", 0.3, start=0, duration=3600))
    downwind = SimStation("NW", "p", "boundary", 30.705, 120.894, ("a21028",))
    upwind = SimStation("SE", "p", "boundary", 30.695, 120.906, ("a21028",))
    t = 600.0
    assert world.plume(downwind, "a21028", t) > 0.05
    assert world.plume(upwind, "a21028", t) == 0
    assert world.plume(downwind, "a21028", 1.0) == 0  # not arrived yet


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
