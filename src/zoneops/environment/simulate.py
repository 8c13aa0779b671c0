"""Virtual data loggers for the demo, tests and benchmarks (`zoneops simulate`).

Each station gets one logger: a TCP client that sends real-time uploads (CN 2011) built by
zoneops.hj212.simulator, keeps every upload until its 9014 arrives and resends the
unacknowledged ones after a reconnection. Values follow a diurnal baseline with noise; a few
carry fault/calibration flags; loggers drop their connection now and then; a scripted release
at an enterprise adds H2S or NMHC to the stations downwind of it: a Gaussian plume
(zoneops.dispersion) for the simulated wind and the stability class, arriving after the
travel time.

The world (`World`) is pure: values are a function of the station, the time and the seed.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zoneops.hj212 import Reframer
from zoneops.hj212.simulator import realtime_upload

from .convert import BEIJING

# Typical background levels for the demo (mg/m³ unless the code table says otherwise). They
# are invented demo data, not limits.
BASELINES = {
    "a21028": 0.004, "a21001": 0.15, "a24088": 0.9, "a25002": 0.01, "a25003": 0.03,
    "a25005": 0.02, "a25038": 0.05, "a99051": 0.05, "a21024": 0.02, "a21026": 0.012,
    "a21004": 0.03, "a21005": 0.6, "a05024": 0.07, "a34002": 0.06, "a34004": 0.035,
    "a01001": 18.0, "a01002": 65.0, "a01006": 101.3,
}


@dataclass(frozen=True)
class SimStation:
    mn: str
    pw: str
    kind: str
    lat: float
    lon: float
    factors: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    """A source emitting `factor` at `rate` g/s from `height` m, from `start` for `duration`
    seconds (times in seconds since the simulation started). `stability` (Pasquill-Gifford
    A-F) overrides the world's."""

    lat: float
    lon: float
    factor: str
    rate: float
    start: float
    duration: float
    height: float = 2.0
    stability: str | None = None


RECEPTOR_HEIGHT_M = 1.5  # a station's inlet above the ground (demo assumption)


@dataclass
class World:
    seed: int = 212
    releases: list[Release] = field(default_factory=list)
    flag_rate: float = 0.01
    t0: float = 0.0
    stability: str = "D"  # neutral: overcast or windy (the demo's weather)

    def wind(self, t: float) -> tuple[float, float]:
        """(speed m/s, direction ° the wind comes FROM) - a slowly veering south-easterly."""
        speed = 2.5 + 1.0 * math.sin(t / 900.0)
        direction = (135.0 + 25.0 * math.sin(t / 1200.0)) % 360
        return speed, direction

    def value(self, station: SimStation, code: str, t: float, moment: datetime,
              rng: random.Random) -> tuple[float, str]:
        if code == "a01007":
            return round(self.wind(t)[0] + rng.gauss(0, 0.2), 2), "N"
        if code == "a01008":
            return round((self.wind(t)[1] + rng.gauss(0, 5)) % 360, 1), "N"
        base = BASELINES.get(code, 0.05)
        hour = moment.hour + moment.minute / 60
        diurnal = 1 + 0.3 * math.sin(2 * math.pi * (hour - 8) / 24)
        value = max(0.0, base * diurnal * (1 + rng.gauss(0, 0.1)))
        value += self.plume(station, code, t)
        flag = "N"
        if rng.random() < self.flag_rate:
            flag = rng.choice("DCM")
        return round(value, 4), flag

    def plume(self, station: SimStation, code: str, t: float,
              wind: tuple[float, float] | None = None) -> float:
        """What the releases add at the station (mg/m³): the Gaussian plume of
        zoneops.dispersion (Briggs sigmas for the stability class, ground reflection) for
        the wind at ``t`` (or ``wind``), once the plume has had time to arrive. Never
        negative; nothing upwind."""
        from zoneops.dispersion import LocalProjection, PlumeModel

        speed, direction = wind or self.wind(t)
        extra = 0.0
        for r in self.releases:
            if r.factor != code:
                continue
            x, y = LocalProjection(r.lon, r.lat).to_xy(station.lon, station.lat)
            arrival = r.start + math.hypot(x, y) / max(speed, 0.5)
            if not arrival <= t <= arrival + r.duration:
                continue
            model = PlumeModel(stability=r.stability or self.stability, wind_speed_m_s=speed,
                               wind_from_deg=direction)
            per_rate = float(model.unit_concentration(0.0, 0.0, r.height, x, y,
                                                      RECEPTOR_HEIGHT_M))
            extra += max(0.0, per_rate * r.rate * 1000.0)  # g/m³ -> mg/m³
        return extra


@dataclass
class LoggerStats:
    sent: int = 0
    acked: int = 0
    resent: int = 0
    reconnects: int = 0


class VirtualLogger:
    """One station's logger. `unacked` holds (QN → frame) until the 9014 comes back."""

    def __init__(self, station: SimStation, host: str, port: int, world: World, *,
                 interval: float = 10.0, dropout: float = 0.0, seed: int = 0,
                 max_unacked: int = 5000) -> None:
        self.station, self.host, self.port, self.world = station, host, port, world
        self.interval, self.dropout = interval, dropout
        self.rng = random.Random(f"{seed}:{station.mn}")
        self.unacked: OrderedDict[str, bytes] = OrderedDict()
        self.max_unacked = max_unacked
        self.stats = LoggerStats()
        self.stopped = asyncio.Event()

    def make_frame(self, moment: datetime, t: float) -> tuple[str, bytes]:
        local = moment.astimezone(BEIJING).replace(tzinfo=None, microsecond=0)
        values = {code: self.world.value(self.station, code, t, local, self.rng)
                  for code in self.station.factors}
        qn = local.strftime("%Y%m%d%H%M%S") + f"{self.stats.sent % 1000:03d}"
        return qn, realtime_upload(mn=self.station.mn, pw=self.station.pw, data_time=local,
                                   values=values, qn=qn, st="22")

    async def run(self, *, count: int | None = None, pace: float | None = None,
                  start: datetime | None = None) -> None:
        """Send an upload every `interval` seconds (`count` of them, or until stopped).
        Data times advance by `interval` from `start` (default: now)."""
        loop = asyncio.get_running_loop()
        begin = loop.time()
        moment = start or datetime.now(BEIJING)
        made = 0
        while not self.stopped.is_set() and (count is None or made < count or self.unacked):
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            acks = asyncio.ensure_future(self._read_acks(reader))
            try:
                for frame in list(self.unacked.values()):  # resend what was not answered
                    writer.write(frame)
                    self.stats.resent += 1
                await writer.drain()
                while not self.stopped.is_set() and (count is None or made < count):
                    qn, frame = self.make_frame(moment, loop.time() - begin)
                    if len(self.unacked) >= self.max_unacked:
                        self.unacked.popitem(last=False)
                    self.unacked[qn] = frame
                    writer.write(frame)
                    await writer.drain()
                    self.stats.sent += 1
                    made += 1
                    moment += timedelta(seconds=self.interval)
                    if self.dropout and self.rng.random() < self.dropout:
                        break
                    await asyncio.sleep(self.interval if pace is None else pace)
                    if acks.done():
                        break
                # Wait for the last answers before deciding whether to reconnect.
                deadline = loop.time() + 5
                while self.unacked and not acks.done() and loop.time() < deadline:
                    await asyncio.sleep(0.05)
                if count is not None and made >= count and not self.unacked:
                    break
            except OSError:
                pass
            finally:
                acks.cancel()
                writer.close()
            if not self.stopped.is_set():
                self.stats.reconnects += 1
                await asyncio.sleep(self.rng.uniform(0.2, 1.0) if self.dropout else 0.2)

    async def _read_acks(self, reader: asyncio.StreamReader) -> None:
        reframer = Reframer()
        while True:
            data = await reader.read(4096)
            if not data:
                return
            for frame in reframer.feed(data):
                if frame.ok and frame.packet.cn == "9014" and frame.packet.qn in self.unacked:
                    del self.unacked[frame.packet.qn]
                    self.stats.acked += 1


async def simulate(stations: list[SimStation], host: str, port: int, world: World, *,
                   interval: float = 10.0, dropout: float = 0.002, duration: float | None = None,
                   seed: int = 212, report=None) -> list[VirtualLogger]:
    loggers = [VirtualLogger(s, host, port, world, interval=interval, dropout=dropout,
                             seed=seed) for s in stations]
    tasks = []
    for n, lg in enumerate(loggers):
        await asyncio.sleep(min(interval / max(len(loggers), 1), 0.05) if n else 0)
        tasks.append(asyncio.ensure_future(lg.run()))
    try:
        if duration is None:
            while True:
                await asyncio.sleep(30)
                if report:
                    report(loggers)
        else:
            await asyncio.sleep(duration)
    finally:
        for lg in loggers:
            lg.stopped.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return loggers
