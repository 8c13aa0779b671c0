"""The HJ 212 gateway's connection guard (issue 17): connection caps and the failed-password
throttle. Pure: no Django, no sockets; time comes from the caller (the gateway's injectable
clock), so tests move time instead of sleeping.

Connections: at most ``max_connections`` open in one gateway process and
``max_per_address`` from one address; a connection over either cap is refused at once
(reason ``refused_max_connections`` / ``refused_max_per_address``).

Passwords, keyed like the web login throttle (core/auth.py) so that nobody can lock a station
out from elsewhere: failures are counted per MN *from one address* (limit ``pw_failure_limit``),
per address over every MN, unknown MNs included (four times that), and per MN over every
address (four times that) within ``pw_failure_window`` seconds. Past a limit, the next attempt
must wait a delay that doubles with each further failure (2 s, 4 s, ... at most
``pw_max_delay``); an attempt that comes sooner is not checked at all. A success clears the
failures of its MN from that address, and an MN that logged in from an address within the
last day is not slowed down by the address's or the MN's totals there: guessing from other
addresses, or a misconfigured neighbour behind the same NAT, does not keep a working station
out. Attempts refused unchecked do not lengthen the wait (a logger whose password was fixed
gets through after the back-off, however often it retries meanwhile)."""

from __future__ import annotations

import resource
from collections import deque
from dataclasses import dataclass

TRUST_SECONDS = 86_400.0  # an MN that logged in from an address is trusted there this long
KEPT_FAILURES = 64  # failure times kept per key (more would not change the delay)
MAX_KEYS = 50_000  # per table; past it, expired entries and then the oldest are dropped
RESERVED_FILES = 100  # descriptors kept for the database, the listener, logs, ...

REFUSED_TOTAL = "refused_max_connections"
REFUSED_ADDRESS = "refused_max_per_address"
TIMEOUT_UNAUTHENTICATED = "timeout_unauthenticated"
PW_BACKOFF = "pw_backoff"  # an attempt during a back-off: not checked, answered 9011, closed
CLOSED_PW_LIMIT = "closed_pw_limit"  # a wrong PW that reached a limit: answered, closed


@dataclass(frozen=True)
class GuardConfig:
    max_connections: int = 5000
    max_per_address: int = 1000
    pw_failure_limit: int = 5
    pw_failure_window: float = 900.0
    pw_max_delay: float = 300.0

    def __post_init__(self) -> None:
        for name in ("max_connections", "max_per_address", "pw_failure_limit"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.pw_failure_window <= 0 or self.pw_max_delay <= 0:
            raise ValueError("pw_failure_window and pw_max_delay must be positive")


@dataclass(frozen=True)
class Throttled:
    """A key that has just reached its limit (to be logged and audited once)."""

    key: str  # "mn_address", "address" or "mn"
    mn: str
    address: str
    failures: int


def delay_for(failures: int, limit: int, maximum: float) -> float:
    """Seconds to wait after the last failure: 0 below the limit, then 2, 4, 8 ... maximum."""
    if failures < limit:
        return 0.0
    return min(maximum, 2.0 ** min(failures - limit + 1, 64))


def fit_connections(configured: int, open_files: int) -> int:
    """The connection cap that fits the process's open-file limit (one descriptor each, and
    some for everything else); at least 1."""
    return max(1, min(configured, open_files - RESERVED_FILES))


def raise_open_files() -> int:
    """Raise the soft open-file limit to the hard one (systemd's LimitNOFILE sets both);
    returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def open_files_limit() -> int:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 1 << 30 if soft == resource.RLIM_INFINITY else soft


class ConnectionGuard:
    def __init__(self, config: GuardConfig | None = None) -> None:
        self.config = config or GuardConfig()
        self.open_total = 0
        self.open_by_address: dict[str, int] = {}
        self._pair: dict[tuple[str, str], deque[float]] = {}
        self._address: dict[str, deque[float]] = {}
        self._mn: dict[str, deque[float]] = {}
        self._trusted: dict[tuple[str, str], float] = {}
        self._logged: dict[tuple[str, str], float] = {}
        self._kept = max(KEPT_FAILURES, self.config.pw_failure_limit * 4 + 1)

    # ----------------------------------------------------------------- connections

    def open(self, address: str) -> str | None:
        """Register a new connection; returns the reason it is refused (then nothing is
        registered) or None."""
        if self.open_total >= self.config.max_connections:
            return REFUSED_TOTAL
        if self.open_by_address.get(address, 0) >= self.config.max_per_address:
            return REFUSED_ADDRESS
        self.open_total += 1
        self.open_by_address[address] = self.open_by_address.get(address, 0) + 1
        return None

    def close(self, address: str) -> None:
        self.open_total -= 1
        left = self.open_by_address.get(address, 0) - 1
        if left > 0:
            self.open_by_address[address] = left
        else:
            self.open_by_address.pop(address, None)

    # ----------------------------------------------------------------- passwords

    def wait(self, mn: str, address: str, now: float) -> float:
        """Seconds before an attempt for ``mn`` from ``address`` may be checked (0: now)."""
        cfg = self.config
        since = now - cfg.pw_failure_window
        limit = cfg.pw_failure_limit
        keys: list[tuple[deque[float] | None, int]] = [(self._pair.get((mn, address)), limit)]
        if not self._is_trusted(mn, address, now):
            keys += [(self._address.get(address), limit * 4), (self._mn.get(mn), limit * 4)]
        longest = 0.0
        for times, key_limit in keys:
            if not times:
                continue
            _expire(times, since)
            delay = delay_for(len(times), key_limit, cfg.pw_max_delay)
            if delay and times:
                longest = max(longest, times[-1] + delay - now)
        return max(0.0, longest)

    def failed(self, mn: str, address: str, now: float, known_mn: bool = True
               ) -> list[Throttled]:
        """Record a checked wrong password (``known_mn`` False: an unknown MN, counted on the
        address only). Returns the keys this failure brought to their limit."""
        cfg = self.config
        since = now - cfg.pw_failure_window
        limit = cfg.pw_failure_limit
        tables: list[tuple[str, dict, object, int]] = [("address", self._address, address,
                                                        limit * 4)]
        if known_mn:
            tables = [("mn_address", self._pair, (mn, address), limit), *tables,
                      ("mn", self._mn, mn, limit * 4)]
        reached = []
        for name, table, key, key_limit in tables:
            times = table.get(key)
            if times is None:
                if len(table) >= MAX_KEYS:
                    _prune(table, since)
                times = table[key] = deque(maxlen=self._kept)
            _expire(times, since)
            times.append(now)
            if len(times) == key_limit:
                reached.append(Throttled(name, mn, address, len(times)))
        return reached

    def succeeded(self, mn: str, address: str, now: float) -> None:
        """A right password: the failures of this MN from this address are forgotten, and
        the address's and MN's totals no longer slow this MN down from this address."""
        self._pair.pop((mn, address), None)
        if (mn, address) not in self._trusted and len(self._trusted) >= MAX_KEYS:
            for key in [k for k, at in self._trusted.items() if at < now - TRUST_SECONDS]:
                del self._trusted[key]
            while len(self._trusted) >= MAX_KEYS:
                del self._trusted[next(iter(self._trusted))]
        self._trusted.pop((mn, address), None)
        self._trusted[(mn, address)] = now

    def wrong_pw_seen(self, mn: str) -> bool:
        """Whether a wrong PW for this MN was counted lately (so the MN is registered: an
        unknown MN counts on its address only). Spares a look-up for each random MN."""
        return bool(self._mn.get(mn))

    def _is_trusted(self, mn: str, address: str, now: float) -> bool:
        at = self._trusted.get((mn, address))
        return at is not None and now - at < TRUST_SECONDS

    # ----------------------------------------------------------------- logging

    def should_log(self, reason: str, address: str, now: float, every: float = 60.0) -> bool:
        """Whether to log this reason for this address now (once a minute at most): a flood
        of refused connections must not flood the log; the counters count every one."""
        key = (reason, address)
        last = self._logged.get(key)
        if last is not None and now - last < every:
            return False
        if len(self._logged) >= MAX_KEYS:
            self._logged.clear()
        self._logged[key] = now
        return True


def _expire(times: deque[float], since: float) -> None:
    while times and times[0] <= since:
        times.popleft()


def _prune(table: dict, since: float) -> None:
    for key in [k for k, times in table.items() if not times or times[-1] <= since]:
        del table[key]
    while len(table) >= MAX_KEYS:  # still full of live keys: forget the oldest
        del table[next(iter(table))]
