"""Simulated water loggers for the demo (``zoneops water simulate``): the air demo's virtual
HJ 212 loggers (environment.simulate.VirtualLogger: one TCP client per station, resending
what the gateway did not answer) sending the demo chain's hourly data (CN 2061) instead of
real-time air values. The plant's logger sends its inlet and outlet as e1xxyy/e2xxyy."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from django.utils import timezone

from zoneops.environment.convert import BEIJING
from zoneops.environment.simulate import SimStation, VirtualLogger, World
from zoneops.hj212.simulator import hourly_upload

from . import demo


class WaterLogger(VirtualLogger):
    """One station's logger; ``values`` maps an hour (ISO, +08:00) to its HJ 212 values."""

    def __init__(self, station: SimStation, host: str, port: int,
                 values: dict[str, dict[str, tuple[float, str]]]) -> None:
        super().__init__(station, host, port, World(), interval=3600.0)
        self.values = values

    def make_frame(self, moment: datetime, t: float) -> tuple[str, bytes]:
        local = moment.astimezone(BEIJING)
        naive = local.replace(tzinfo=None, microsecond=0)
        qn = naive.strftime("%Y%m%d%H%M%S") + f"{self.stats.sent % 1000:03d}"
        return qn, hourly_upload(mn=self.station.mn, pw=self.station.pw, data_time=naive,
                                 values=self.values.get(local.isoformat(), {}), qn=qn,
                                 st="32")


def _loggers(host: str, port: int, frames: dict) -> list[WaterLogger]:
    from zoneops.environment.models import Station

    stations = {s.mn: s for s in Station.objects.filter(mn__in=frames)}
    missing = sorted(set(frames) - set(stations))
    if missing:
        raise ValueError(f"no station {', '.join(missing)}: run the demo first "
                         "(zoneops demo --no-serve)")
    return [WaterLogger(SimStation(mn, s.password, s.kind, s.latitude, s.longitude, ()),
                        host, port, frames[mn]) for mn, s in sorted(stations.items())]


async def _send(loggers: list[WaterLogger], start: datetime, count: int, pace: float) -> int:
    await asyncio.gather(*(lg.run(count=count, pace=pace, start=start) for lg in loggers))
    return sum(lg.stats.acked for lg in loggers)


def raise_recent(until: datetime, hours: int = 72) -> int:
    """Balance the stored chain over the ``hours`` before ``until`` and raise (or refresh)
    each anomaly as a core alert; returns how many."""
    from .balance import balance, parse_chain
    from .balance.limits import set_names
    from .selectors import chain_document
    from .services import raise_alerts

    chain = parse_chain(chain_document(until - timedelta(hours=hours), until), set_names())
    found = balance(chain)
    raise_alerts(found)
    return len(found)


def run_simulation(*, host: str, port: int, days: int, pace: float = 0.0,
                   live: bool = False, now: datetime | None = None,
                   alerts: bool = False) -> int:
    """Send ``days`` of history up to the last full hour (with last night's discharge into
    N2), then, with ``live``, each hour as it ends; with ``alerts``, balance the last three
    days after each and raise the anomalies as core alerts. Returns the uploads
    acknowledged."""
    if not 1 <= days <= 60:
        raise ValueError("--days: from 1 to 60")
    now = (now or timezone.now()).astimezone(BEIJING)
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    night = demo.night_before(now)
    span = (now.date() - start.date()).days + 2
    frames = demo.uploads(demo.data(start, span, night))
    loggers = _loggers(host, port, frames)
    done = now.replace(minute=0, second=0, microsecond=0)
    hours = int((done - start).total_seconds() // 3600)
    acked = asyncio.run(_send(loggers, start, hours, pace))
    if alerts:
        raise_recent(done)
    while live:
        following = done + timedelta(hours=1)
        wait = (following - timezone.now().astimezone(BEIJING)).total_seconds() + 5
        if wait > 0:
            import time

            time.sleep(wait)
        for lg in loggers:
            lg.stats.acked = 0
        acked += asyncio.run(_send(loggers, done, 1, 0.0))
        done = following
        if alerts:
            raise_recent(done)
        if (done - start).days >= span:
            break
    return acked
