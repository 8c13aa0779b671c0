"""Group commit and the in-memory alarm state: many connections share a transaction, a
batch is all or nothing, a bad upload fails alone, and a state another process wrote is
reloaded rather than overwritten."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest

from zoneops.core.models import Alert, Notification
from zoneops.core.selectors import history_of
from zoneops.environment import alarms, services
from zoneops.environment.convert import ReadingIn, Upload
from zoneops.environment.gateway import Gateway, GatewayConfig
from zoneops.environment.models import GatewayState, Reading

from .conftest import Logger, frame

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
T = datetime(2026, 3, 1, 16, 0)


def r(code, value, minutes=0):
    return ReadingIn(code, T0 + timedelta(minutes=minutes), "rtd", value, "N")


def test_uploads_of_many_connections_share_commits(env, gateway):
    loggers = [Logger(gateway.port) for _ in range(30)]
    station = [env.plant, env.edge, env.mast]

    def send(n: int, logger: Logger) -> None:
        for k in range(4):
            logger.send(frame(station[n % 3], T + timedelta(minutes=n * 10 + k),
                              {"a21028": 0.001}))

    threads = [threading.Thread(target=send, args=(n, lg)) for n, lg in enumerate(loggers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = [a for lg in loggers for a in lg.answers(4)]
    assert len(answers) == 120 and {a.cn for a in answers} == {"9014"}
    # Two hours' sparse bursts per station: no hour is covered enough for a computed mean.
    assert Reading.objects.count() == 120
    assert sum(GatewayState.objects.values_list("packets", flat=True)) == 120
    committer = gateway.gateway.committer
    assert committer.batches < 120, "uploads arriving together are committed together"
    for logger in loggers:
        logger.close()


def test_a_batch_is_all_or_nothing(env):
    good = Upload(env.plant.pk, [r("a21028", 0.001)])
    missing_station = Upload(987654, [r("a21028", 0.001)])
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        services.ingest_batch([good, missing_station])
    assert not Reading.objects.exists()
    assert GatewayState.objects.get(station=env.plant).packets == 0


def test_a_bad_upload_fails_alone_in_the_gateway(env):
    """The committer retries a failed batch upload by upload: the good ones are stored and
    answered, only the bad one fails (its logger gets no 9014 and resends)."""
    gateway = Gateway(GatewayConfig(host="127.0.0.1", port=0, silence_interval=0))

    async def main() -> list:
        runner = asyncio.ensure_future(gateway.committer.run())
        futures = [gateway.committer.submit(Upload(env.plant.pk, [r("a21028", 0.001, 1)])),
                   gateway.committer.submit(Upload(987654, [r("a21028", 0.001, 2)])),
                   gateway.committer.submit(Upload(env.edge.pk, [r("a21028", 0.001, 3)]))]
        done = await asyncio.gather(*futures, return_exceptions=True)
        runner.cancel()
        await gateway.stop()
        return done

    first, bad, third = asyncio.run(main())
    assert first.received == 1 and third.received == 1
    assert isinstance(bad, Exception)
    assert gateway.committer.batches == 1
    assert sorted(Reading.objects.values_list("station__mn", flat=True)) == [
        "EDGE0001", "PLANT0001"]


@pytest.mark.usefixtures("instant_rules")
def test_state_written_by_another_process_is_reloaded(env, monkeypatch):
    """Process A keeps the station's alarm state in memory; process B (its own cache) clears
    the alarm; A must see B's write (the row's version moved) and raise afresh."""
    process_a = alarms.STATES
    services.ingest(env.plant.pk, [r("a21028", 0.04, 1)])  # A raises 预警
    assert Alert.objects.get(module="environment").level == 2

    process_b = alarms.StateCache()
    monkeypatch.setattr(alarms, "STATES", process_b)
    services.ingest(env.plant.pk, [r("a21028", 0.001, 2)])  # B clears it
    alert = Alert.objects.get(module="environment")
    assert alert.cause_cleared_at is not None

    monkeypatch.setattr(alarms, "STATES", process_a)
    result = services.ingest(env.plant.pk, [r("a21028", 0.04, 3)])
    # With A's stale copy (still in 预警) nothing would happen; the reload sees the clear.
    assert [(t.action, t.episode) for t in result.transitions] == [("raise", 2)]
    # The alarm came back after its cause cleared: a new episode, a new (open) alert.
    again = Alert.objects.exclude(pk=alert.pk).get(module="environment")
    assert again.key == alert.key + "#2" and again.cause_cleared_at is None


@pytest.mark.usefixtures("instant_rules")
def test_states_survive_a_restart_from_the_database(env):
    services.ingest(env.plant.pk, [r("a21028", 0.04, 1)])
    alarms.clear_cache()  # a new process: nothing in memory
    result = services.ingest(env.plant.pk, [r("a21028", 0.001, 2)])
    assert [t.action for t in result.transitions] == ["clear"]
    saved = GatewayState.objects.get(station=env.plant)
    assert saved.version == 2 and any(key.endswith(":a21028") for key in saved.alarm_state)


@pytest.mark.usefixtures("instant_rules")
def test_an_alarm_costs_a_bounded_number_of_queries(env, django_assert_max_num_queries):
    """Raising an alarm (alert, audit, notices, readings around it, the wind) and clearing it
    are the expensive moments of ingest; pin their query count so it cannot creep up."""
    services.ingest(env.plant.pk, [r("a21028", 0.001, 1)])
    # SQLite counts the store statements too; the maintenance windows are read once per rules
    # refresh (the first alarm here pays for it) and the open incidents once per batch.
    with django_assert_max_num_queries(17):
        services.ingest(env.plant.pk, [r("a21028", 0.04, 2)])
    with django_assert_max_num_queries(11):  # no savepoint of its own
        services.ingest(env.plant.pk, [r("a21028", 0.001, 3)])
    alert = Alert.objects.get(module="environment")
    assert alert.cause_cleared_at is not None and alert.data["readings"]


@pytest.mark.usefixtures("instant_rules")
def test_alarms_at_many_stations_cost_the_queries_of_one(env):
    """A release drifting over the park alarms at many stations in one batch. The core alert
    work (open alerts, time limits, alerts, audit, people, notices) is done once for them
    all; only the readings and wind attached to each alert are read per alert."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zoneops.environment.services import create_station

    admin = env.world.users["admin"]
    fences = [create_station(admin, {"mn": f"FENCE000{i}", "password": "pw", "name": f"厂界{i}",
                                   "kind": "enterprise", "latitude": 30.705,
                                   "longitude": 120.905, "unit": env.world.unit_a},
                                  factors=["a21028"]) for i in range(5)]
    services.ingest_batch([Upload(s.pk, [r("a21028", 0.001, 1)]) for s in fences])

    def queries(stations: list, value: float, minutes: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.ingest_batch([Upload(s.pk, [r("a21028", value, minutes)])
                                   for s in stations])
        return len(ctx.captured_queries)

    queries(fences[:1], 0.04, 2)  # the first alert of a process loads the factor and masts
    raise_one, raise_three = queries(fences[1:2], 0.04, 2), queries(fences[2:], 0.04, 2)
    assert raise_three == raise_one + 2 * 2  # readings around it and the wind, per alert
    clear_one, clear_three = queries(fences[1:2], 0.001, 3), queries(fences[2:], 0.001, 3)
    assert clear_three == clear_one
    alerts = Alert.objects.filter(module="environment", key__startswith="FENCE").exclude(
        key__startswith=fences[0].mn)
    assert alerts.count() == 4 and all(a.cause_cleared_at for a in alerts)
    assert {len(a.data["readings"]) for a in alerts} == {2}
    duty = env.world.users["duty"]
    for alert in alerts:  # audited, and the dispatcher heard of the raise and the clear
        assert list(history_of(alert).order_by("pk").values_list("action", flat=True)) == [
            "raise", "cause cleared"]
        assert Notification.objects.filter(recipient=duty, link=f"/alerts/{alert.pk}/"
                                           ).count() == 2


def test_a_large_batch_with_resent_readings_stores_only_the_new_ones(env):
    """Large batches are COPYed on PostgreSQL; one holding resent readings falls back to the
    INSERT that skips them, and the whole batch still commits."""
    from zoneops.environment import store
    from zoneops.environment.services import update_station

    codes = ["a21028", "a24088", "a21026", "a21004", "a21005"]
    update_station(env.world.users["admin"], env.plant, {}, factors=codes)

    def upload(minute: int) -> Upload:
        return Upload(env.plant.pk, [r(code, 0.001, minute) for code in
                                     ("a21028", "a24088", "a21026", "a21004", "a21005")])

    per_batch = store.COPY_FROM_ROWS // 5 + 10  # uploads of five readings: above the line
    first = [upload(m) for m in range(per_batch)]
    services.ingest_batch(first)
    assert Reading.objects.filter(kind="rtd").count() == per_batch * 5  # + computed means
    again = first[per_batch // 2:] + [upload(m) for m in range(per_batch, per_batch + 60)]
    results = services.ingest_batch(again)
    assert len(results) == len(again)
    assert len(again) * 5 >= store.COPY_FROM_ROWS
    assert Reading.objects.filter(kind="rtd").count() == (per_batch + 60) * 5
    assert GatewayState.objects.get(station=env.plant).packets == per_batch + len(again)


@pytest.mark.parametrize("rows", [3, 600])  # below and above the COPY line
def test_stored_readings_equal_what_was_sent_whichever_way_they_are_written(env, rows):
    """Values round-trip exactly (COPY writes floats by repr) and odd flags - MQTT takes any
    four characters - are escaped, not taken for COPY's separators."""
    values = [0.1, 1e-05, 123456.789, None, -0.0, 2.5e-300, 1 / 3]
    flags = ["N", "T\tx", "a\\N", "\n", "D"]
    sent = [ReadingIn("a21028", T0 + timedelta(seconds=k), "rtd", values[k % len(values)],
                      flags[k % len(flags)]) for k in range(rows)]
    services.ingest_batch([Upload(env.plant.pk, sent)])
    stored = list(Reading.objects.order_by("time").values_list("time", "value", "flag"))
    assert stored == [(x.time, x.value, x.flag) for x in sent]
