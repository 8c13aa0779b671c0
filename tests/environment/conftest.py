"""Stations on top of the core `world`, and a real gateway on 127.0.0.1 in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from datetime import datetime

import pytest

from zoneops.environment import alarms
from zoneops.environment.gateway import Gateway, GatewayConfig
from zoneops.environment.models import Station
from zoneops.environment.services import create_station
from zoneops.hj212 import Reframer
from zoneops.hj212.simulator import realtime_upload


@dataclass
class Env:
    world: object
    plant: Station  # enterprise fence-line monitor of enterprise_a (unit A)
    edge: Station  # park boundary station (unit B)
    mast: Station  # weather mast (with an H2S sensor)


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    alarms.clear_cache()
    yield
    alarms.clear_cache()


@pytest.fixture
def env(world) -> Env:
    admin = world.users["admin"]
    plant = create_station(admin, {"mn": "PLANT0001", "password": "pw-plant", "name": "甲化工厂界",
                                 "kind": "enterprise", "latitude": 30.705, "longitude": 120.905,
                                 "enterprise": world.enterprise_a, "unit": world.unit_a},
                                factors=["a21028", "a24088", "a21001"])
    edge = create_station(admin, {"mn": "EDGE0001", "password": "pw-edge", "name": "园区东边界站",
                                "kind": "boundary", "latitude": 30.70, "longitude": 120.91,
                                "unit": world.unit_b}, factors=["a21028", "a24088"])
    mast = create_station(admin, {"mn": "WX0001", "password": "pw-wx", "name": "气象站",
                                "kind": "weather", "latitude": 30.701, "longitude": 120.901},
                               factors=["a01007", "a01008", "a21028"])  # and an H2S sensor
    return Env(world, plant, edge, mast)


@pytest.fixture
def instant_rules(env):
    """The shipped level rules without their persistence and clear delay (2 readings in a
    row, 300 s down): for tests of ingest mechanics that raise and clear with one reading
    each. The shipped defaults themselves are tested in test_field.py."""
    from zoneops.environment.models import AlarmRule

    AlarmRule.objects.filter(kind="level").update(duration_readings=1, clear_seconds=0)
    alarms.clear_cache()
    return env


def frame(station: Station, when: datetime, values: dict, **kw) -> bytes:
    return realtime_upload(mn=station.mn, pw=station.password, data_time=when, values=values,
                           **kw)


class GatewayThread:
    def __init__(self, clock=None, **config) -> None:
        self.loop = asyncio.new_event_loop()
        self.gateway = Gateway(GatewayConfig(**{"host": "127.0.0.1", "port": 0,
                                                "silence_interval": 0, **config}), clock)
        started = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(self.loop)
            self.port = self.loop.run_until_complete(self.gateway.start())
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()
        assert started.wait(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.gateway.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def gateway():
    running = GatewayThread(idle_timeout=5, frame_timeout=2)
    yield running
    running.stop()


class Logger:
    """A test data logger: a real socket, with answers read through a Reframer."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.reframer = Reframer()
        self.pending: list = []

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answers(self, n: int) -> list:
        while len(self.pending) < n:
            data = self.sock.recv(4096)
            if not data:
                break
            self.pending.extend(f.packet for f in self.reframer.feed(data))
        got, self.pending = self.pending[:n], self.pending[n:]
        return got

    def closed_by_server(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, TimeoutError):
            return True

    def close(self) -> None:
        self.sock.close()


def alerts_of(key: str, **filters):
    """The alert an alarm is in: its own, or the incident it joined (issue 19: one release,
    one alert; each alarm is a member of it, under its own key)."""
    from django.db.models import Q

    from zoneops.core.models import Alert

    return Alert.objects.filter(Q(key=key) | Q(data__members__has_key=key), **filters)
