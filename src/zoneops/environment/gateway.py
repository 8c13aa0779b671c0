"""The HJ 212 gateway: an asyncio TCP server for data loggers.

One Reframer per connection turns the byte stream into frames. Each good packet is
authenticated (MN + PW against the station registry) and its upload handed to the
:class:`Committer`, which commits the uploads of every connection together (group commit):
while one batch is being stored and alarm-evaluated in one transaction on a database thread,
the next one gathers. Only after the commit are the answers (9014 with each packet's QN,
9013 for notices) written. A batch costs a handful of statements whatever its size, so
throughput grows with load instead of collapsing, and the wait for the commit is the
latency.

Authentication failures: HJ 212 defines no negative answer to a data upload, and a 9014 would
tell the logger to forget data we did not store. The gateway therefore answers an upload
from an unknown MN with 9011 QnRtn=4 ("MN error") and one with a wrong PW with 9011 QnRtn=3
("PW error"), echoing the QN, stores nothing and never sends 9014 for it: the logger keeps
its data and resends, which is what is wanted once the registry is corrected. Every
failure is logged and (for a known MN) counted on the station as ``bad_pw``. A connection
trusts an MN + PW it has checked for ``recheck_credentials`` seconds (60), then checks it
again: a changed password or a deactivated station takes effect on connected loggers too.

The connection guard (gateway_guard.py, issue 17) caps connections in total and per address,
closes a connection that has no right MN + PW ``auth_timeout`` seconds after it opened, and
slows down password guessing (back-off per MN from one address, per address and per MN; the
connection closed once a limit is reached); each refusal is counted by reason in ``Stats``
and the ``counters:`` log line.

Several gateway processes may listen on the same port (SO_REUSEPORT; ``--processes N``
starts and watches them): ingest is idempotent, a batch locks its stations' rows, and each
process's in-memory alarm state is checked against the row's version, so nothing assumes a
single process.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import math
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from zoneops.hj212 import HJ212Error, Packet, Reframer, answer_for, request_answer
from zoneops.hj212.split import SplitAssembler

from .clock import SYSTEM, Clock
from .convert import STATUS_CNS, Upload, upload_from_packet
from .gateway_guard import (
    CLOSED_PW_LIMIT,
    PW_BACKOFF,
    TIMEOUT_UNAUTHENTICATED,
    ConnectionGuard,
    GuardConfig,
    Throttled,
    fit_connections,
    open_files_limit,
    raise_open_files,
)

log = logging.getLogger("zoneops.gateway")


@dataclass
class GatewayConfig:
    host: str = "0.0.0.0"  # noqa: S104 - loggers connect from the field network
    port: int = 8212
    idle_timeout: float = 300.0  # nothing at all received for this long: close
    frame_timeout: float = 30.0  # a started frame not finished in this long: close (slow)
    write_timeout: float = 10.0
    max_connections: int = 5000  # open at once (lowered to fit the open-file limit)
    # Connection guard (issue 17, gateway_guard.py): connections from one address, seconds a
    # connection may stay without a right MN + PW, and the failed-password throttle.
    max_per_address: int = 1000
    auth_timeout: float = 60.0
    pw_failure_limit: int = 5
    pw_failure_window: float = 900.0
    pw_max_delay: float = 300.0
    pw_answer_delay: float = 2.0  # a refusal past a limit is answered this late, then closed
    stats_interval: float = 300.0  # how often the counters are logged (0: never)
    silence_interval: float = 30.0  # how often to run the no-data check (0: never)
    workers: int | None = None  # database threads; default 1 on SQLite, 4 otherwise
    # Only the processes of one `gateway --processes N` share a port (SO_REUSEPORT); a lone
    # gateway binds it alone, so a second one started by mistake fails instead of stealing
    # uploads into another database.
    reuse_port: bool = False
    max_batch: int = 1000  # uploads committed together at most
    max_rejects_in_a_row: int = 20  # rejected frames with no good one between: close
    logged_rejects: int = 5  # rejects logged one by one per connection; the rest counted
    recheck_credentials: float = 60.0  # seconds a connection trusts an MN + PW it checked
    reject_flush_interval: float = 1.0  # how often unauthenticated rejects are written


@dataclass
class Stats:
    connections: int = 0
    open: int = 0
    packets: int = 0
    stored: int = 0
    readings: int = 0  # readings stored (not resends, not values left out)
    answered: int = 0
    rejects: dict[str, int] = field(default_factory=dict)

    def reject(self, code: str) -> None:
        self.rejects[code] = self.rejects.get(code, 0) + 1


def _db_job(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one database job on an executor thread and hand its connection back (to the pool
    on PostgreSQL): no thread keeps a connection that stop() would have to chase."""
    from django.db import connections

    close_old_connections()
    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def _ingest_batch(uploads: list, now: Any) -> list:
    from .services import ingest_batch

    return ingest_batch(uploads, now=now)


def _authenticate_all(credentials: list[tuple[str, str]]
                      ) -> dict[tuple[str, str], tuple[int | None, str]]:
    from .selectors import authenticate_all

    return authenticate_all(credentials)


def _reject(station_id: int, code: str, message: str, now: Any, count: int = 1) -> None:
    from .services import record_reject

    record_reject(station_id, code, message, now=now, count=count)


def _audit_throttled(station_id: int, key: str, address: str, failures: int,
                     window: float) -> None:
    from .services import record_gateway_throttle

    record_gateway_throttle(station_id, key=key, address=address, failures=failures,
                            window=window)


def _bad_pw_station(mn: str) -> int | None:
    from .models import Station

    return Station.objects.filter(mn=mn).values_list("pk", flat=True).first()


def _warm_up() -> None:
    """Load what the first alert would otherwise load while a batch waits: the URL map
    (alert links; importing every API module takes a third of a second) and the rules."""
    from django.urls import reverse

    from .alarms import active_rules

    reverse("home")
    active_rules()


def _check_silence(now: Any) -> int:
    from .services import check_silence

    return check_silence(now)


class Gateway:
    def __init__(self, config: GatewayConfig | None = None, clock: Clock | None = None
                 ) -> None:
        self.config = config or GatewayConfig()
        # Wall time for judging readings, and the interval clock of credential re-checks
        # (injectable: tests move it instead of sleeping).
        self.clock = clock or SYSTEM
        workers = self.config.workers
        if workers is None:
            sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
            workers = 1 if sqlite else 4
        self.workers = workers
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="gateway-db")
        self.stats = Stats()
        self.server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.committer = Committer(self)
        self.authenticator = Authenticator(self)
        self.stopping = False
        self.silence_checks = 0  # completed no-data checks (tests wait on it)
        # (station, reason) -> [count, last message] of frames from unauthenticated peers
        self.unauthenticated_rejects: dict[tuple[int, str], list] = {}
        self._mn_cache: dict[str, int | None] = {}
        self._mn_cache_at = 0.0
        cfg = self.config
        cap = fit_connections(cfg.max_connections, open_files_limit())
        if cap < cfg.max_connections:
            log.warning("at most %s connections: the open-file limit allows no more "
                        "(raise LimitNOFILE)", cap)
        self.guard = ConnectionGuard(GuardConfig(
            max_connections=cap, max_per_address=cfg.max_per_address,
            pw_failure_limit=cfg.pw_failure_limit, pw_failure_window=cfg.pw_failure_window,
            pw_max_delay=cfg.pw_max_delay))

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, _db_job, fn, *args)

    async def start(self) -> int:
        """Listen; returns the port (useful with port 0)."""
        cfg = self.config
        await self.db(_warm_up)
        self.server = await asyncio.start_server(
            self._connection, cfg.host, cfg.port, reuse_port=cfg.reuse_port,
            limit=64 * 1024)
        self._spawn(self.committer.run())
        self._spawn(self.authenticator.run())
        if cfg.silence_interval > 0:
            self._spawn(self._silence_loop())
        self._spawn(self._flush_loop())
        if cfg.stats_interval > 0:
            self._spawn(self._stats_loop())
        port = self.server.sockets[0].getsockname()[1]
        log.info("HJ 212 gateway listening on %s:%s", cfg.host, port)
        return port

    async def serve_forever(self) -> None:
        if self.server is None:
            await self.start()
        assert self.server is not None
        async with self.server:
            await self.server.serve_forever()

    async def stop(self) -> None:
        """Stop listening, end every connection and the committer, then the database
        threads. Cancelling is repeated until every task has ended: a connection accepted a
        moment ago may not have registered yet, and on Python 3.11 ``wait_for`` can swallow a
        cancel that arrives as its read completes."""
        self.stopping = True
        if self.server is not None:
            self.server.close()
        while tasks := [t for t in self._tasks if t is not asyncio.current_task()]:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=0.5)
        await asyncio.to_thread(self.executor.shutdown, wait=True, cancel_futures=True)

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _silence_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.silence_interval)
            try:
                await self.db(_check_silence, self.clock.now())
                self.silence_checks += 1
            except Exception:  # noqa: BLE001 - the check must keep running
                log.exception("no-data check failed")

    # --------------------------------------------------------------------- one connection

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        address = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        host = str(peer[0]) if isinstance(peer, tuple) else str(peer)
        stats = self.stats
        task = asyncio.current_task()
        if task is not None:  # so stop() can end every connection cleanly
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        stats.connections += 1
        refused = self.guard.open(host)
        if refused is not None:
            stats.reject(refused)
            if self.guard.should_log(refused, host, time.monotonic()):
                log.warning("%s: connection refused (%s; %s open, %s from this address); "
                            "further ones from there are counted for a minute", address,
                            refused, self.guard.open_total,
                            self.guard.open_by_address.get(host, 0))
            writer.transport.abort()
            return
        stats.open += 1
        try:
            await self._serve(reader, writer, address, host)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception:  # noqa: BLE001 - one bad connection must not affect the others
            log.exception("%s: connection failed", address)
        finally:
            stats.open -= 1
            self.guard.close(host)
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), 2)
            except (Exception, asyncio.CancelledError):  # noqa: BLE001 - closing anyway
                pass

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     address: str, host: str = "") -> None:
        cfg = self.config
        peer = _Peer(address, host or address)
        reframer = Reframer(keep_bad_values=True)  # one bad value: the rest is kept
        known: dict[tuple[str, str], tuple[int, float]] = {}  # (MN, PW) -> (station, when)

        def timed_out(why: str) -> None:
            if why != "unauthenticated" or self.guard.should_log(
                    TIMEOUT_UNAUTHENTICATED, host, time.monotonic()):
                log.info("%s: %s connection timed out, closing", address, why)
            self.stats.reject(f"timeout_{why}")

        watch = _Watchdog(cfg, writer.transport, timed_out)
        try:
            while not self.stopping:
                data = await reader.read(4096)
                if watch.expired:
                    return
                if not data:
                    for frame in reframer.flush():
                        if not frame.ok:
                            await self._rejected(peer, frame.error, frame.raw)
                    return
                frames = reframer.feed(data)
                watch.saw_data(time.monotonic(), reframer.buffered)
                now = self.clock.monotonic()
                # Uploads of one read go to the committer together; their answers are written
                # in order once committed.
                pending: list[tuple[asyncio.Future | None, Packet]] = []
                for frame in frames:
                    if not frame.ok:
                        await self._rejected(peer, frame.error, frame.raw)
                        continue
                    peer.rejects_in_a_row = 0
                    packet = frame.packet
                    assert packet is not None
                    self.stats.packets += 1
                    credentials = (packet.mn, packet.pw)
                    checked = known.get(credentials)
                    if checked is None or now - checked[1] > cfg.recheck_credentials:
                        wait = self.guard.wait(packet.mn, peer.host, now)
                        if wait > 0:  # password back-off: not checked; answered late, closed
                            await self._answer(pending, writer)
                            await self._backed_off(peer, packet, wait, writer)
                            return
                        # Shielded: the check is shared with any connection asking the same.
                        sid, reason = await asyncio.shield(
                            self.authenticator.check(credentials))
                        if sid is None:
                            known.pop(credentials, None)
                            await self._answer(pending, writer)
                            if await self._unauthenticated(packet, reason, peer, writer):
                                return  # a failed-password limit reached: closed
                            continue
                        self.guard.succeeded(packet.mn, peer.host, now)
                        watch.authenticated = True
                        known[credentials] = (sid, now)
                    else:
                        sid = checked[0]
                    peer.station_id = sid
                    upload = None
                    if packet.cn in _UPLOADS:
                        fallback = None
                        if packet.is_split:
                            try:
                                fallback = self._split_part(peer, packet)
                            except HJ212Error as exc:
                                await self._answer(pending, writer)
                                await self._rejected(peer, exc, b"")
                                continue
                        if packet.cp.data_time is None and fallback is None:
                            await self._no_data_time(peer, packet)
                        else:
                            upload = self.committer.submit(upload_from_packet(
                                sid, packet, fallback, address, frame.invalid))
                    elif packet.cn in STATUS_CNS:  # equipment reports: stored, then answered
                        upload = self.committer.submit(upload_from_packet(sid, packet,
                                                                          address=address))
                    pending.append((upload, packet))
                await self._answer(pending, writer)
                if peer.rejects_in_a_row >= cfg.max_rejects_in_a_row:
                    log.warning("%s: %s rejected frames in a row, closing", address,
                                peer.rejects_in_a_row)
                    return
        finally:
            watch.stop()
            if peer.unlogged:
                log.warning("%s: %s further rejected frames not logged one by one", address,
                            peer.unlogged)

    async def _answer(self, pending: list[tuple[asyncio.Future | None, Packet]],
                      writer: asyncio.StreamWriter) -> None:
        """Wait for the uploads' commit, then write every answer (in one send) and drain."""
        replies = []
        try:
            for upload, packet in pending:
                if upload is not None:
                    self.stats.readings += (await upload).stored
                    self.stats.stored += 1
                reply = answer_for(packet)
                if reply is not None:
                    replies.append(reply)
                    self.stats.answered += 1
        finally:
            # Answers of the uploads committed before a failure still go out.
            if replies:
                writer.write(b"".join(replies))
            for upload, _packet in pending:  # after a failure, the rest need no reader
                if upload is not None and not upload.done():
                    upload.add_done_callback(_retrieve)
            pending.clear()
        await self._drain(writer)

    async def _drain(self, writer: asyncio.StreamWriter) -> None:
        """Wait (at most write_timeout) for a slow reader to take what is buffered. The
        kernel usually takes an answer at once, and then there is nothing to wait for and no
        timer to set (a timer per answer was a few per cent of the gateway's time)."""
        if writer.transport.get_write_buffer_size():
            try:
                async with asyncio.timeout(self.config.write_timeout):
                    await writer.drain()
            except TimeoutError:
                # A logger that reads no answers would hold them in our memory forever.
                log.info("%s: answers not read for %s s, closing",
                         writer.get_extra_info("peername"), self.config.write_timeout)
                self.stats.reject("timeout_write")
                writer.transport.abort()
                raise ConnectionAbortedError("the logger reads no answers") from None

    async def _rejected(self, peer: _Peer, error: HJ212Error | None, raw: bytes) -> None:
        """Count a rejected frame (on the station too, once the connection has named one).
        A connection's first few rejects are logged one by one, the rest only counted, so a
        logger spewing garbage cannot flood the log or starve the others."""
        code = error.code if error else "unknown"
        self.stats.reject(code)
        peer.rejects_in_a_row += 1
        if peer.logged < self.config.logged_rejects:
            peer.logged += 1
            log.warning("%s: rejected (%s) %s: %r", peer.address, code, error, raw[:120])
        else:
            peer.unlogged += 1
        if peer.station_id is not None:
            await self.db(_reject, peer.station_id, code, str(error)[:300], self.clock.now())
            return
        # Never authenticated here: counted on the station the frame names, if registered,
        # so its rejects rule sees a logger that never gets one frame through. Anyone can
        # send such frames, so they cost no database work of their own: the MN look-up is
        # cached and the counts are added up and written once a second (_flush_loop).
        if not peer.guessed:
            peer.guessed = True
            mn = _mn_in(raw)
            if mn:
                peer.guessed_station = await self._station_of(mn)
        if peer.guessed_station is not None:
            counted = self.unauthenticated_rejects.setdefault(
                (peer.guessed_station, code), [0, ""])
            counted[0] += 1
            counted[1] = f"{peer.address} (not authenticated): {error}"[:300]

    async def _station_of(self, mn: str) -> int | None:
        """A station id by MN, from a small per-process cache refreshed every minute."""
        now = self.clock.monotonic()
        if now - self._mn_cache_at > 60 or len(self._mn_cache) > 4096:
            self._mn_cache, self._mn_cache_at = {}, now
        if mn not in self._mn_cache:
            self._mn_cache[mn] = await self.db(_bad_pw_station, mn)
        return self._mn_cache[mn]

    async def flush_rejects(self) -> None:
        """Write the counted rejects of unauthenticated connections (one job per station and
        reason since the last flush)."""
        counts, self.unauthenticated_rejects = self.unauthenticated_rejects, {}
        for (station_id, code), (count, message) in counts.items():
            await self.db(_reject, station_id, code, message, self.clock.now(), count)

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.reject_flush_interval)
            try:
                await self.flush_rejects()
            except Exception:  # noqa: BLE001 - counting must keep running
                log.exception("counting rejects failed")

    def _split_part(self, peer: _Peer, packet: Packet) -> Any:
        """Reassemble a split upload as its parts arrive (PNUM/PNO, in sequence per MN and
        CN). Each part is stored and answered as it comes - a logger may wait for one part's
        9014 before sending the next - and a part without a DataTime of its own is filed
        under its group's (part 1's). Returns that DataTime (None when the part has its own
        or is part 1). A part out of sequence that has no DataTime cannot be filed: raises
        HJ212Error("split_mismatch"), and the caller rejects it (no answer: the logger
        resends the record)."""
        if peer.split is None:
            peer.split = SplitAssembler(max_groups=8)
        first = peer.split.first_part(packet.mn, packet.cn) if packet.pno != 1 else None
        try:
            peer.split.add(packet)
        except HJ212Error:
            if packet.cp.data_time is None:
                raise
            return None  # out of sequence, but it names its own time: store it
        if packet.cp.data_time is None and first is not None:
            return first.cp.data_time
        if packet.cp.data_time is None and packet.pno != 1:
            raise HJ212Error("split_mismatch", f"part {packet.pno}/{packet.pnum} has no "
                             "DataTime and no part 1 before it")
        return None

    async def _no_data_time(self, peer: _Peer, packet: Packet) -> None:
        """An upload without DataTime has no time to be filed under: nothing is stored, the
        reject is counted on the station with its reason (so the rejects rule sees it), and
        the upload is still answered (9014 if it asked): a resend could not bring the time,
        and without an answer the logger would resend it forever."""
        self.stats.reject("no_data_time")
        if peer.logged < self.config.logged_rejects:
            peer.logged += 1
            log.warning("%s: upload CN %s QN %s without DataTime: not stored", peer.address,
                        packet.cn, packet.qn)
        await self.db(_reject, peer.station_id, "no_data_time",
                      f"CN {packet.cn} QN {packet.qn}: no DataTime", self.clock.now())

    async def _unauthenticated(self, packet: Packet, reason: str, peer: _Peer,
                               writer: asyncio.StreamWriter) -> bool:
        """Answer a wrong MN or PW (9011) and count it; returns True when the failure
        reached a failed-password limit: the answer was held back and the connection is to be
        closed."""
        address = peer.address
        self.stats.reject(reason)
        log.warning("%s: %s for MN %r (CN %s, QN %s): nothing stored", address, reason,
                    packet.mn, packet.cn, packet.qn)
        sid = None
        if reason == "bad_pw":
            sid = await self.db(_bad_pw_station, packet.mn)
            if sid is not None:
                await self.db(_reject, sid, reason, f"wrong PW from {address}",
                              self.clock.now())
        now = self.clock.monotonic()
        reached = self.guard.failed(packet.mn, peer.host, now,
                                    known_mn=reason != "unknown_mn")
        for throttled in reached:
            await self._throttled(throttled, sid)
        closing = self.guard.wait(packet.mn, peer.host, now) > 0
        if closing:
            self.stats.reject(CLOSED_PW_LIMIT)
            await asyncio.sleep(self.config.pw_answer_delay)
        writer.write(request_answer(packet, 4 if reason == "unknown_mn" else 3))
        await self._drain(writer)
        return closing

    async def _backed_off(self, peer: _Peer, packet: Packet, wait: float,
                          writer: asyncio.StreamWriter) -> None:
        """An attempt during a password back-off: not checked, counted (on the station its
        MN names, if any, with the other unauthenticated rejects), answered 9011 QnRtn=3 after
        ``pw_answer_delay`` and the connection closed by the caller."""
        self.stats.reject(PW_BACKOFF)
        if self.guard.should_log(PW_BACKOFF, peer.host, time.monotonic()):
            log.warning("%s: MN %r in password back-off for %.0f s more: not checked, "
                        "closing (further ones from there are counted for a minute)",
                        peer.address, packet.mn, wait)
        # Counted on the station too when its MN had wrong PWs (no look-up for random MNs).
        sid = await self._station_of(packet.mn) if self.guard.wrong_pw_seen(packet.mn) else None
        if sid is not None:
            counted = self.unauthenticated_rejects.setdefault((sid, PW_BACKOFF), [0, ""])
            counted[0] += 1
            counted[1] = f"{peer.address}: back-off {wait:.0f} s"[:300]
        await asyncio.sleep(min(wait, self.config.pw_answer_delay))
        writer.write(request_answer(packet, 3))
        await self._drain(writer)

    async def _throttled(self, throttled: Throttled, station_id: int | None) -> None:
        """A failed-password limit reached: logged, and audited on the station when the MN
        is registered."""
        log.warning("%s failures for MN %r from %s (limit per %s): further attempts are "
                    "slowed down", throttled.failures, throttled.mn, throttled.address,
                    throttled.key)
        if station_id is not None:
            await self.db(_audit_throttled, station_id, throttled.key, throttled.address,
                          throttled.failures, self.config.pw_failure_window)

    async def _stats_loop(self) -> None:
        """Log the counters (connections, packets, stored, every reject and refusal by
        reason) now and then, when they changed."""
        last = None
        while True:
            await asyncio.sleep(self.config.stats_interval)
            line = self.counters()
            if line != last:
                log.info("counters: %s", line)
                last = line

    def counters(self) -> str:
        s = self.stats
        rejects = " ".join(f"{k}={v}" for k, v in sorted(s.rejects.items()))
        return (f"connections={s.connections} open={s.open} packets={s.packets} "
                f"stored={s.stored} answered={s.answered} rejects: {rejects or '-'}")


_UPLOADS = frozenset({"2011", "2051", "2061", "2031"})


@dataclass
class _Peer:
    """What the gateway remembers about one connection."""

    address: str
    host: str = ""  # the address without the port (what the connection guard keys on)
    station_id: int | None = None  # last station authenticated here (rejects count on it)
    rejects_in_a_row: int = 0
    logged: int = 0
    unlogged: int = 0
    split: SplitAssembler | None = None  # split uploads being reassembled
    guessed: bool = False  # looked for the MN of a bad frame before any good one
    guessed_station: int | None = None


_MN = re.compile(rb"MN=([^;&\r\n]{1,64});")


def _mn_in(raw: bytes) -> str | None:
    """The MN a (rejected) frame names, if it names one."""
    found = _MN.search(raw)
    return found.group(1).decode("utf-8", "replace") if found else None


class Authenticator:
    """Group authentication: the credentials connections ask about while one check runs are
    checked together, in one query. Loggers stay connected for days, but after a restart the
    whole park reconnects at once, and one database job per logger then queued ahead of the
    first batches' commits."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.pending: dict[tuple[str, str], asyncio.Future] = {}
        self.wake = asyncio.Event()
        self.checks = 0

    def check(self, credentials: tuple[str, str]) -> asyncio.Future:
        """A future of (station id, "") or (None, reason); see selectors.authenticate."""
        future = self.pending.get(credentials)
        if future is None:
            future = self.pending[credentials] = asyncio.get_running_loop().create_future()
            self.wake.set()
        return future

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.pending:
                batch, self.pending = self.pending, {}
                self.checks += 1
                try:
                    results = await self.gateway.db(_authenticate_all, list(batch))
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - reported to each connection
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(exc)
                            future.add_done_callback(_retrieve)
                    continue
                for credentials, future in batch.items():
                    if not future.done():
                        future.set_result(results[credentials])


class _Watchdog:
    """Ends a connection that sends nothing for ``idle_timeout``, or leaves a frame unfinished
    for ``frame_timeout`` (slow): tells ``timed_out`` why, then aborts the transport, so the
    pending read returns and ``expired`` is set. One timer per connection, moved when it
    fires or when a frame starts that must end sooner: a timer set and cancelled around
    every read was a few per cent of the gateway's time."""

    def __init__(self, config: GatewayConfig, transport: asyncio.BaseTransport,
                 timed_out: Callable[[str], None]) -> None:
        self.config, self.transport, self.timed_out = config, transport, timed_out
        self.loop = asyncio.get_running_loop()
        self.last_data = time.monotonic()  # the loop's clock
        self.frame_started: float | None = None
        self.expired: str | None = None
        # Without a right MN + PW by then, the connection ends whatever it sends.
        self.authenticated = config.auth_timeout <= 0
        self.auth_at = self.last_data + config.auth_timeout
        first = self.last_data + config.idle_timeout
        if not self.authenticated:
            first = min(first, self.auth_at)
        self.handle = self.loop.call_at(first, self._check)

    def saw_data(self, now: float, buffered: bool) -> None:
        self.last_data = now
        if not buffered:
            self.frame_started = None
        elif self.frame_started is None:
            self.frame_started = now
            if now + self.config.frame_timeout < self.handle.when():
                self._arm(now + self.config.frame_timeout)

    def _check(self) -> None:
        now = time.monotonic()
        idle_at = self.last_data + self.config.idle_timeout
        slow_at = (self.frame_started + self.config.frame_timeout
                   if self.frame_started is not None else math.inf)
        auth_at = math.inf if self.authenticated else self.auth_at
        if now >= slow_at or now >= idle_at or now >= auth_at:
            self.expired = ("unauthenticated" if now >= auth_at
                            else "slow" if now >= slow_at else "idle")
            self.timed_out(self.expired)
            self.transport.abort()
        else:
            self._arm(min(idle_at, slow_at, auth_at))

    def _arm(self, when: float) -> None:
        self.handle.cancel()
        self.handle = self.loop.call_at(when, self._check)

    def stop(self) -> None:
        self.handle.cancel()


def _retrieve(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # seen: nobody waits for it any more


class Committer:
    """Group commit: uploads from every connection queue here; one batch at a time is
    stored in one transaction, and each upload's future completes after the commit. A batch
    that fails is retried upload by upload, so one bad upload (or a deadlock) fails only
    itself: its logger gets no 9014 and resends."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.queue: list[tuple[Upload, asyncio.Future]] = []
        self.wake = asyncio.Event()
        self.batches = 0

    def submit(self, upload: Upload) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.queue.append((upload, future))
        self.wake.set()
        return future

    async def run(self) -> None:
        limit = self.gateway.config.max_batch
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.queue:
                batch, self.queue = self.queue[:limit], self.queue[limit:]
                await self._commit(batch)

    async def _commit(self, batch: list[tuple[Upload, asyncio.Future]]) -> None:
        self.batches += 1
        try:
            now = self.gateway.clock.now()
            results = await self.gateway.db(_ingest_batch, [u for u, _f in batch], now)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - find the culprit below
            log.warning("a batch of %s uploads failed; storing them one by one", len(batch),
                        exc_info=True)
            for upload, future in batch:
                try:
                    result = (await self.gateway.db(_ingest_batch, [upload], now))[0]
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - reported to its connection
                    if not future.done():
                        future.set_exception(exc)
                else:
                    if not future.done():
                        future.set_result(result)
            return
        for (_upload, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


def tune_gc() -> None:
    """Collect cyclic garbage rarely. With the default threshold (700 new objects) the
    collector ran about a thousand times a second under load, each time walking the
    thousands of uploads in flight and promoting them, and took about a third of the
    gateway's CPU; gateway objects seldom form cycles. What is loaded at start-up (Django,
    the rules) is frozen out of the collections altogether."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def run(config: GatewayConfig) -> None:
    """Run until interrupted (the `zoneops gateway` command)."""
    raise_open_files()  # up to the hard limit (systemd: LimitNOFILE)
    gateway = Gateway(config)

    async def main() -> None:
        await gateway.start()
        tune_gc()
        try:
            await gateway.serve_forever()
        finally:
            await gateway.stop()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on (host, port): probed by binding without
    SO_REUSEPORT, which fails while any socket holds the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def run_processes(count: int, argv: list[str]) -> None:
    """Run ``count`` gateway processes on one port (SO_REUSEPORT: the kernel spreads the
    loggers' connections) and restart any that dies, until SIGINT or SIGTERM. ``argv`` are
    the gateway arguments for one process; only the first runs the no-data check."""
    stopping = threading.Event()

    def spawn(index: int) -> subprocess.Popen:
        extra = [] if index == 0 else ["--silence-interval", "0"]
        return subprocess.Popen([sys.executable, "-m", "zoneops.cli", "gateway", *argv,
                                 *extra, "--processes", "1", "--shared-port"])

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children = [spawn(i) for i in range(count)]
    log.info("started %s gateway processes: %s", count, [c.pid for c in children])
    while not stopping.wait(1.0):
        for i, child in enumerate(children):
            if child.poll() is not None:
                log.error("gateway process %s exited with %s; restarting", child.pid,
                          child.returncode)
                children[i] = spawn(i)
    for child in children:
        child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            child.kill()
