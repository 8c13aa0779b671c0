"""Gas watch with packets field loggers really send, through the real gateway on 127.0.0.1
and the shipped rules, with the gateway's clock injected (moved, never slept through):
fast logger clocks, backfill, alarms that come back, tiers in titles, limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from zoneops.core.models import Alert, Notification
from zoneops.environment.clock import FakeClock
from zoneops.environment.convert import BEIJING
from zoneops.environment.models import Reading

from .conftest import GatewayThread, Logger, alerts_of, frame

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NH3 = "PLANT0001:a21001:nh3-fenceline"


class Field:
    """One logger on a gateway whose clock the test moves: ``send`` dates the upload at the
    gateway's clock plus ``ahead`` seconds (a logger's clock error) or at ``at``."""

    def __init__(self, station) -> None:
        self.station = station
        self.clock = FakeClock(START)
        self.running = GatewayThread(self.clock, idle_timeout=30, frame_timeout=5)
        self.logger = Logger(self.running.port)

    def send(self, values: dict, ahead: float = 0.0, at: datetime | None = None) -> str:
        when = at or self.clock.now() + timedelta(seconds=ahead)
        self.logger.send(frame(self.station, when.astimezone(BEIJING).replace(tzinfo=None),
                               values))
        return self.logger.answers(1)[0].cn

    def readings(self, values: list[float], every: float = 60.0) -> None:
        for value in values:
            self.clock.advance(every)
            assert self.send({"a21001": value}) == "9014"

    def close(self) -> None:
        self.logger.close()
        self.running.stop()


@pytest.fixture
def field(env):
    running = Field(env.plant)
    yield running
    running.close()


def test_a_fast_logger_clock_is_flagged_alarmed_and_cannot_silence_alarms(field):
    # One upload 3 h fast, then one dated 2099 (a flat clock battery): both stored and
    # answered, flagged, and the clock alarm says by how much.
    assert field.send({"a21001": 0.1}, ahead=3 * 3600) == "9014"
    clock_alert = Alert.objects.get(key="PLANT0001:*:logger-clock")
    assert "3 h" in clock_alert.title or "3 小时" in clock_alert.title
    assert clock_alert.data["ahead_seconds"] == pytest.approx(3 * 3600, abs=1)
    field.clock.advance(60)
    assert field.send({"a21001": 0.1}, at=datetime(2099, 1, 1, tzinfo=UTC)) == "9014"
    assert set(Reading.objects.values_list("qc", flat=True)) == {Reading.QC_CLOCK_AHEAD}
    # Correctly dated NH3 at 8x the limit after that: alarmed (the engine's newest-seen time
    # never moved into the future), and the clock alarm clears.
    field.readings([8.0, 8.0])
    alert = Alert.objects.get(key=NH3)
    assert alert.level == 4 and not alert.data["late"]
    assert Reading.objects.filter(qc=0).count() == 2
    clock_alert.refresh_from_db()
    assert clock_alert.cause_cleared_at is not None


def test_backfill_is_judged_in_its_own_window_and_marked_late_resends_are_not(field):
    field.readings([0.1, 0.1, 0.1])
    live_now = field.clock.now()
    # A resend of a reading just judged (the logger missed our answer): ignored again.
    assert field.send({"a21001": 5.0}, at=live_now - timedelta(seconds=60)) == "9014"
    assert not Alert.objects.filter(key__startswith=NH3).exists()
    # Two hours later the logger sends what it stored while its line was down: two NH3
    # readings at 5x the limit from an hour ago. Judged as that past hour, marked late.
    field.clock.advance(2 * 3600)
    past = live_now - timedelta(hours=1)
    assert field.send({"a21001": 5.0}, at=past) == "9014"
    assert field.send({"a21001": 5.0}, at=past + timedelta(minutes=1)) == "9014"
    late = Alert.objects.get(key=NH3 + ":late")
    assert late.data["late"] and late.level == 4
    assert late.data["time"] == (past + timedelta(minutes=1)).isoformat()
    assert late.title.startswith(("[late]", "【补报】"))
    assert not Alert.objects.filter(key=NH3).exists()  # the present is not in alarm


def test_an_alarm_that_returns_after_clearing_is_a_new_notified_alert(field, env):
    duty = env.world.users["duty"]
    field.readings([0.5, 1.6, 1.6])  # two readings in a row above the limit
    first = Alert.objects.get(key=NH3)
    assert first.level == 4
    heard = Notification.objects.filter(recipient=duty).count()
    field.readings([0.5] * 6)  # down for 300 s: the cause clears
    first.refresh_from_db()
    assert first.cause_cleared_at is not None and first.is_open
    field.readings([1.6, 1.6])
    second = Alert.objects.get(key=NH3 + "#2")
    assert second.pk != first.pk and second.cause_cleared_at is None and second.level == 4
    titles = list(Notification.objects.filter(recipient=duty).order_by("pk")
                  .values_list("title", flat=True))[heard:]
    assert any(second.title in t for t in titles[1:])  # the return was notified as a raise


def test_one_dip_clears_nothing_and_a_lower_tier_keeps_the_peak_in_its_title(field):
    field.readings([1.6, 1.6, 0.5, 1.6])  # one dip: no clear, no new alert
    alert = Alert.objects.get(key=NH3)
    assert alert.cause_cleared_at is None
    assert Alert.objects.filter(module="environment").count() == 1
    field.readings([1.1] * 6)  # below 报警's off (1.2), above 预警's: de-escalates after 300 s
    alert.refresh_from_db()
    assert "预警" in alert.title and "报警" in alert.title and alert.level == 4


def test_a_value_at_the_limit_complies_and_flapping_around_it_is_one_alarm(field):
    field.readings([1.0, 1.0, 1.0])  # GB 14554 grade 1 is 1.0: equal complies
    assert not Alert.objects.filter(key__startswith=NH3).exists()
    field.readings([1.01, 0.99, 1.01, 0.99, 1.01, 0.99])  # flapping around the limit
    assert Alert.objects.filter(key__startswith=NH3).count() <= 1


def _segment_frame(segment: str) -> bytes:
    from zoneops.hj212.codec import build_frame

    return build_frame(segment)


def test_a_2005_logger_is_filed_under_2017_factors_and_alarms(field, env):
    # HJ/T 212-2005 style: "05" is H2S, "10" NH3; the raw code is kept on the station.
    for _ in range(2):
        field.clock.advance(60)
        local = field.clock.now().astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
        field.logger.send(_segment_frame(
            f"QN={local}000;ST=22;CN=2011;PW={env.plant.password};MN={env.plant.mn};"
            f"Flag=1;CP=&&DataTime={local};05-Rtd=0.2,05-Flag=N;10-Rtd=3.0,10-Flag=N&&"))
        assert field.logger.answers(1)[0].cn == "9014"
    codes = set(Reading.objects.values_list("factor__code", flat=True))
    assert codes == {"a21028", "a21001"}
    assert dict(env.plant.station_factors.filter(device_code__gt="")
                .values_list("factor__code", "device_code")) == {"a21028": "05",
                                                                  "a21001": "10"}
    # One station, two factors at once: one incident holding both alarms (issue 19).
    assert alerts_of(NH3, level=4).exists()
    assert alerts_of("PLANT0001:a21028:h2s-fenceline", level=4).exists()


def test_split_parts_without_their_own_datatime_are_filed_under_part_ones(field, env):
    local = field.clock.now().astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    head = f"ST=22;CN=2011;PW={env.plant.password};MN={env.plant.mn};Flag=7;PNUM=3"
    parts = [f"QN={local}001;{head};PNO=1;CP=&&DataTime={local};a21028-Rtd=0.01&&",
             f"QN={local}002;{head};PNO=2;CP=&&a21001-Rtd=0.2&&",
             f"QN={local}003;{head};PNO=3;CP=&&a24088-Rtd=1.5&&"]
    for part in parts:  # one at a time, each answered before the next (as loggers wait)
        field.logger.send(_segment_frame(part))
        assert field.logger.answers(1)[0].cn == "9014"
    times = set(Reading.objects.values_list("time", flat=True))
    assert Reading.objects.count() == 3 and times == {field.clock.now()}
    # A later part whose part 1 never came has no time to be filed under: rejected and
    # counted, not answered (the logger resends the record).
    field.logger.send(_segment_frame(parts[1].replace("002", "009")))
    field.logger.send(_segment_frame(parts[0].replace("001", "010")))
    (answer,) = field.logger.answers(1)
    assert answer.qn.endswith("010")  # only the good part 1 was answered
    assert env.plant.reject_counts.get(code="split_mismatch").count == 1


def test_an_upload_without_datatime_is_answered_and_counted(field, env):
    field.logger.send(_segment_frame(
        f"QN=20260301160000000;ST=22;CN=2011;PW={env.plant.password};MN={env.plant.mn};"
        "Flag=5;CP=&&a21028-Rtd=0.01&&"))
    assert field.logger.answers(1)[0].cn == "9014"
    assert not Reading.objects.exists()
    assert env.plant.reject_counts.get(code="no_data_time").count == 1
    assert field.running.gateway.stats.rejects == {"no_data_time": 1}


def test_bad_frames_of_a_connection_never_authenticated_reach_the_rejects_rule(field, env):
    good = frame(env.plant, datetime(2026, 3, 1, 16, 0), {"a21028": 0.01})
    bad = good.replace(good[-6:-2], b"0000")  # a wrong CRC
    for _ in range(5):
        field.logger.send(bad)
    gateway = field.running.gateway
    assert _until(lambda: gateway.stats.rejects.get("crc_mismatch") == 5)
    asyncio.run_coroutine_threadsafe(gateway.flush_rejects(), field.running.loop).result(10)
    assert env.plant.reject_counts.get(code="crc_mismatch").count == 5
    assert Alert.objects.filter(key="PLANT0001:*:rejects").exists()  # 5 in a row


def _until(predicate, seconds: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_send_raw_replays_bytes_as_given_and_send_is_in_the_help(field, env):
    import io
    import subprocess
    import sys

    from zoneops.environment.management.commands.hj212 import send_raw

    good = frame(env.plant, datetime(2026, 3, 1, 16, 0), {"a21028": 0.01})
    bad_crc = good.replace(good[-6:-2], b"0000")  # a bad frame, sent as it is
    lowercase = good[:-6] + good[-6:-2].lower() + b"\r\n"  # lower-case CRC, not re-encoded
    out = io.StringIO()
    missing = send_raw("127.0.0.1", field.running.port, bad_crc + lowercase, out)
    answers = [line for line in out.getvalue().splitlines() if line]
    assert missing == 0 and len(answers) == 1 and '"cn": "9014"' in answers[0]
    assert field.running.gateway.stats.rejects == {"crc_mismatch": 1}
    result = subprocess.run([sys.executable, "-m", "zoneops.cli", "hj212", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "send [--raw] HOST PORT" in result.stdout


def test_hourly_mean_needs_45_minutes_of_valid_readings():
    from zoneops.environment.hourly import hourly_mean

    assert hourly_mean(45, 45, 2.0, 44 * 60.0) == 2.0  # every minute, 45 of them
    assert hourly_mean(44, 44, 2.0, 43 * 60.0) is None  # 44 minutes: not valid
    assert hourly_mean(12, 12, 1.5, 11 * 300.0) == 1.5  # every 5 minutes covers the hour
    assert hourly_mean(60, 20, 9.0, 59 * 60.0) is None  # two in three flagged D: 20 min
    assert hourly_mean(2, 2, 1.0, 30 * 60.0) is None  # sparse: a reading covers <= 300 s


def test_the_platform_computes_hourly_means_from_real_time_data_and_judges_them(field, env):
    """A logger that sends only CN 2011: NMHC at the enterprise boundary at 5.0 mg/m³ for 50
    minutes (GB 31571 Table 7: 1-hour mean 4.0). When its data moves into the next hour the
    platform stores the mean (marked computed) and the 1-hour rule alarms."""
    field.clock.set(START - timedelta(minutes=1))
    for _ in range(50):
        field.clock.advance(60)
        assert field.send({"a24088": 5.0}) == "9014"
    assert not Reading.objects.filter(kind="hour").exists()
    field.clock.set(START + timedelta(hours=1, minutes=1))
    assert field.send({"a24088": 1.0}) == "9014"
    mean = Reading.objects.get(kind="hour")
    assert (mean.time, mean.value, mean.qc) == (START, 5.0, Reading.QC_COMPUTED)
    alert = Alert.objects.get(key="PLANT0001:a24088:nmhc-boundary-hour")
    assert alert.level == 4 and alert.data["time"] == START.isoformat()


def test_flags_of_hourly_data_reach_data_quality(field, env):
    from zoneops.hj212.simulator import hourly_upload

    for hours in (3, 2):
        field.logger.send(hourly_upload(
            mn=env.plant.mn, pw=env.plant.password,
            data_time=_local_naive(START - timedelta(hours=hours)),
            values={"a24088": (1.0, "D")}))
        assert field.logger.answers(1)[0].cn == "9014"
    assert Alert.objects.filter(key="PLANT0001:a24088:data-quality-hour").exists()


def _local_naive(moment: datetime) -> datetime:
    return moment.astimezone(BEIJING).replace(tzinfo=None)
