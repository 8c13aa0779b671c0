"""The gateway's connection guard on its own (pure: time is passed in): connection caps, the
failed-password throttle keyed per MN from one address, per address and per MN, and its
bounded memory. The same guard over real sockets: test_gateway_guard_live.py."""

from __future__ import annotations

import pytest

from zoneops.environment import gateway_guard
from zoneops.environment.gateway_guard import (
    REFUSED_ADDRESS,
    REFUSED_TOTAL,
    ConnectionGuard,
    GuardConfig,
    delay_for,
    fit_connections,
)

A, B, C = "10.0.0.1", "10.0.0.2", "10.0.0.3"


def guard(**config) -> ConnectionGuard:
    return ConnectionGuard(GuardConfig(**{"pw_failure_limit": 3, "pw_failure_window": 900,
                                          "pw_max_delay": 60, **config}))


def test_connection_caps_per_address_and_in_total():
    g = guard(max_connections=4, max_per_address=2)
    assert [g.open(A), g.open(A), g.open(A)] == [None, None, REFUSED_ADDRESS]
    assert g.open(B) is None and g.open(B) is None
    assert g.open(C) == REFUSED_TOTAL  # 4 open: nobody else, whatever the address
    assert (g.open_total, g.open_by_address) == (4, {A: 2, B: 2})
    g.close(A)
    assert g.open(C) is None  # a place freed
    assert g.open(A) == REFUSED_TOTAL
    for address in (A, B, B, C):
        g.close(address)
    assert (g.open_total, g.open_by_address) == (0, {})  # nothing left behind per address


def test_the_delay_doubles_from_the_limit_up_to_the_maximum():
    assert [delay_for(n, 3, 60) for n in range(2, 10)] == [0, 2, 4, 8, 16, 32, 60, 60]
    assert delay_for(10_000, 3, 60) == 60  # no overflow


def test_back_off_after_the_limit_then_a_right_password_works():
    g = guard()
    now = 1000.0
    assert g.failed("MN1", A, now) == []
    assert g.failed("MN1", A, now + 1) == []
    assert g.wait("MN1", A, now + 1) == 0  # two failures: below the limit of three
    reached = g.failed("MN1", A, now + 2)
    assert [(t.key, t.mn, t.address, t.failures) for t in reached] == [
        ("mn_address", "MN1", A, 3)]
    assert g.wait("MN1", A, now + 2) == 2  # 2 s after the third failure
    assert g.wait("MN1", A, now + 3) == 1
    assert g.wait("MN1", A, now + 4) == 0  # back-off over: the next attempt is checked
    assert g.failed("MN1", A, now + 4) == []  # the 4th: not reported again
    assert g.wait("MN1", A, now + 4) == 4  # doubled
    # Attempts refused during the back-off are not failures: asking does not lengthen it.
    assert g.wait("MN1", A, now + 7) == 1
    assert g.wait("MN1", A, now + 8) == 0
    g.succeeded("MN1", A, now + 8)
    assert g.wait("MN1", A, now + 8) == 0
    assert g.failed("MN1", A, now + 9) == []  # counting starts again after a success


def test_guessing_from_one_address_does_not_keep_the_station_out_from_another():
    g = guard()
    for k in range(10):
        g.failed("MN1", A, 1000.0 + k)
    assert g.wait("MN1", A, 1010) > 0
    assert g.wait("MN1", B, 1010) == 0  # the station's own address: not slowed down
    assert g.wait("MN2", A, 1010) == 0  # another MN from the guesser: not yet (10 < 12)


def test_the_address_total_slows_an_address_guessing_over_many_mns():
    g = guard()  # per address: 4 x 3 = 12 failures, unknown MNs included
    for k in range(11):
        assert g.failed(f"GUESS{k}", A, 1000.0 + k, known_mn=k % 2 == 0) == []
    reached = g.failed("GUESS11", A, 1011.0, known_mn=False)
    assert [t.key for t in reached] == ["address"]
    assert g.wait("ANY", A, 1011) == 2
    assert g.wait("ANY", B, 1011) == 0
    # A station that logged in from A lately is not slowed down by A's total (a
    # misconfigured neighbour behind the same NAT must not keep it out) ...
    g.succeeded("GOOD", A, 990.0)
    assert g.wait("GOOD", A, 1011) == 0
    # ... but a day later it is a stranger there again.
    assert g.wait("GOOD", A, 990.0 + gateway_guard.TRUST_SECONDS + 1) == 0  # window over
    for k in range(12):
        g.failed(f"X{k}", A, 990.0 + gateway_guard.TRUST_SECONDS + 2, known_mn=False)
    assert g.wait("GOOD", A, 990.0 + gateway_guard.TRUST_SECONDS + 2) > 0


def test_the_mn_total_slows_distributed_guessing_but_not_where_the_station_logs_in():
    g = guard()  # per MN: 12 failures from any addresses
    g.succeeded("MN1", A, 900.0)  # the station, from its own address
    reached = []
    for k in range(12):
        reached += g.failed("MN1", f"172.16.0.{k}", 1000.0 + k / 10)
    assert [t.key for t in reached] == ["mn"]
    assert g.wait("MN1", "172.16.9.9", 1001.1) > 0  # a new guesser: slowed down at once
    assert g.wait("MN1", A, 1001.1) == 0  # the station itself: not
    assert g.wait("MN2", "172.16.9.9", 1001.1) == 0
    assert g.wrong_pw_seen("MN1") and not g.wrong_pw_seen("MN2")


def test_failures_older_than_the_window_are_forgotten():
    g = guard(pw_failure_window=100)
    for k in range(3):
        g.failed("MN1", A, 1000.0 + k)
    assert g.wait("MN1", A, 1003) > 0
    g.failed("MN1", A, 1060.0)  # 4 in the window: 4 s after 1060
    assert g.wait("MN1", A, 1062) == 2
    assert g.wait("MN1", A, 1101.5) == 0  # two left the window: 2 in it
    assert g.wait("MN1", A, 1102.5) == 0
    assert g.failed("MN1", A, 1102.5) == []  # 2 in the window again (1060 and this)


def test_memory_stays_bounded_under_many_keys(monkeypatch):
    monkeypatch.setattr(gateway_guard, "MAX_KEYS", 100)
    g = guard()
    for k in range(1000):
        g.failed(f"MN{k}", f"10.1.{k // 250}.{k % 250}", 1000.0 + k)
        g.succeeded(f"OK{k}", A, 1000.0 + k)
        g.should_log("x", f"10.2.{k // 250}.{k % 250}", 1000.0 + k)
    assert len(g._pair) <= 100 and len(g._mn) <= 100 and len(g._address) <= 100
    assert len(g._trusted) <= 100 and len(g._logged) <= 100
    assert g.wait("MN999", "10.1.3.249", 1999) == 0  # still working after pruning


def test_logging_of_one_reason_and_address_at_most_once_a_minute():
    g = guard()
    assert g.should_log("r", A, 1000.0)
    assert not g.should_log("r", A, 1030.0)
    assert g.should_log("r", B, 1030.0) and g.should_log("s", A, 1030.0)
    assert g.should_log("r", A, 1060.0)


def test_the_connection_cap_fits_the_open_file_limit():
    assert fit_connections(5000, 1024) == 1024 - gateway_guard.RESERVED_FILES
    assert fit_connections(5000, 65536) == 5000
    assert fit_connections(5000, 10) == 1


@pytest.mark.parametrize("bad", [{"max_connections": 0}, {"max_per_address": 0},
                                 {"pw_failure_limit": 0}, {"pw_failure_window": 0},
                                 {"pw_max_delay": -1}])
def test_nonsense_settings_are_refused(bad):
    with pytest.raises(ValueError):
        GuardConfig(**bad)
