"""What loggers send besides values, through the real gateway on 127.0.0.1: normalised values,
vendor flags, sampling times and equipment reports kept and shown; one bad value keeps the
rest of its packet; conflicting resends logged and counted; factors the station does not
measure left out with a counted reason; counters that count what was stored."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from zoneops.environment.convert import BEIJING
from zoneops.environment.models import (
    DeviceStatus,
    Factor,
    GatewayState,
    Reading,
    ReadingDetail,
)
from zoneops.hj212.codec import build_frame

from .test_field import Field

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def field(env):
    running = Field(env.plant)
    yield running
    running.close()


def _send(field, env, cp: str, cn: str = "2011", *, data_time: bool = True) -> str:
    """Send one segment as given (not re-encoded) and return the answer's CN."""
    local = field.clock.now().astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    when = f"DataTime={local};" if data_time else ""
    field.logger.send(build_frame(
        f"QN={local}000;ST=22;CN={cn};PW={env.plant.password};MN={env.plant.mn};Flag=5;"
        f"CP=&&{when}{cp}&&"))
    return field.logger.answers(1)[0].cn


def _counts(station) -> dict[str, int]:
    return dict(station.reject_counts.values_list("code", "count"))


def test_normalised_values_vendor_flags_sample_times_and_run_state_are_kept_and_shown(
        field, env, client):
    assert _send(field, env, "a21028-Rtd=0.01,a21028-ZsRtd=0.012,a21028-Flag=N,"
                             "a21028-EFlag=E07,a21028-SampleTime=20260301155900;"
                             "a21001-Rtd=0.2,a21001-Flag=N") == "9014"
    (detail,) = ReadingDetail.objects.all()  # only the reading that came with more
    assert (detail.factor.code, detail.kind, detail.zs, detail.eflag, detail.sample_time,
            detail.problem) == ("a21028", "rtd", 0.012, "E07", "20260301155900", "")
    # Hourly data: ZsAvg, Min, Max and Cou of the hour are kept beside the stored Avg.
    field.clock.advance(3600)
    assert _send(field, env, "a24088-Avg=1.5,a24088-ZsAvg=1.7,a24088-Min=0.9,"
                             "a24088-Max=2.8,a24088-Cou=12.5,a24088-Flag=N", "2061") == "9014"
    hour = ReadingDetail.objects.get(kind="hour")
    assert (hour.zs, hour.min, hour.max, hour.cou) == (1.7, 0.9, 2.8, 12.5)
    assert Reading.objects.get(kind="hour", factor__code="a24088").value == 1.5
    # Equipment reports: run state (2021), running time (2041), logger power-on (2081).
    assert _send(field, env, "SB1-RS=1;SB2-RS=3", "2021") == "9014"
    assert _send(field, env, "SB1-RT=23.5", "2041") == "9014"
    assert _send(field, env, "RestartTime=20260301170000", "2081", data_time=False) == "9014"
    states = {s.cn: s.values for s in DeviceStatus.objects.filter(station=env.plant)}
    assert states == {"2021": {"SB1-RS": "1", "SB2-RS": "3"}, "2041": {"SB1-RT": "23.5"},
                      "2081": {"RestartTime": "20260301170000"}}
    restart = DeviceStatus.objects.get(cn="2081")
    assert restart.time == field.clock.now()  # no DataTime: filed at its arrival
    client.force_login(env.world.users["admin"])
    page = client.get(f"/environment/stations/{env.plant.pk}/").content.decode()
    for shown in ("E07", "20260301155900", "0.012", "SB2-RS=3", "RestartTime=20260301170000",
                  "SB1-RT=23.5"):
        assert shown in page
    assert "维护" in page  # RS 3: maintenance, in words


def test_one_empty_value_keeps_the_rest_of_the_packet_and_is_flagged(field, env):
    # Was: the whole packet rejected and never answered, so the logger resent it forever.
    assert _send(field, env, "a21028-Rtd=,a21028-Flag=D;a21001-Rtd=0.2,a21001-Flag=N;"
                             "a24088-Rtd=x1,a24088-Flag=N") == "9014"
    stored = {r.factor.code: r for r in Reading.objects.select_related("factor")}
    assert stored["a21001"].value == 0.2 and stored["a21001"].qc == 0
    for code in ("a21028", "a24088"):
        assert stored[code].value is None and stored[code].qc == Reading.QC_BAD_VALUE
    assert stored["a21028"].flag == "D"
    problems = dict(ReadingDetail.objects.values_list("factor__code", "problem"))
    assert problems == {"a21028": "a21028-Rtd: empty",
                        "a24088": "a24088-Rtd: 'x1' is not a decimal number"}
    assert _counts(env.plant) == {"bad_value": 2}
    state = GatewayState.objects.get(station=env.plant)
    assert (state.packets, state.readings, state.rejects) == (1, 3, 0)
    assert field.running.gateway.stats.rejects == {}


def test_a_conflicting_resend_keeps_the_first_value_and_is_logged_and_counted(
        field, env, caplog, client):
    assert _send(field, env, "a21028-Rtd=0.01,a21028-Flag=N;a21001-Rtd=0.2") == "9014"
    assert _send(field, env, "a21028-Rtd=0.01,a21028-Flag=N;a21001-Rtd=0.2") == "9014"
    assert _counts(env.plant) == {}  # the same values again: a plain resend
    with caplog.at_level(logging.WARNING, logger="zoneops.ingest"):
        assert _send(field, env, "a21028-Rtd=0.05,a21028-Flag=N;a21001-Rtd=0.2") == "9014"
    assert Reading.objects.get(factor__code="a21028").value == 0.01
    assert _counts(env.plant) == {"conflict": 1}
    message = env.plant.reject_counts.get(code="conflict").last_message
    assert "a21028" in message and "stored 0.01, resent 0.05" in message
    assert any("conflicts with the stored reading" in r.getMessage() for r in caplog.records)
    state = GatewayState.objects.get(station=env.plant)
    assert (state.packets, state.readings, state.rejects) == (3, 2, 0)
    assert field.running.gateway.stats.readings == 2 and field.running.gateway.stats.stored == 3
    client.force_login(env.world.users["admin"])
    page = client.get(f"/environment/stations/{env.plant.pk}/").content.decode()
    assert 'data-testid="value-reject-conflict"' in page and "resent 0.05" in page


def test_unknown_and_unregistered_factors_are_left_out_with_a_counted_reason(field, env):
    assert _send(field, env, "a21028-Rtd=0.01;x99999-Rtd=3.0;a21026-Rtd=0.1;"
                             "a01007-Rtd=2.0") == "9014"
    assert list(Reading.objects.values_list("factor__code", flat=True)) == ["a21028"]
    assert not Factor.objects.filter(code="x99999").exists()
    assert _counts(env.plant) == {"unknown_factor": 1, "unregistered_factor": 2}
    state = GatewayState.objects.get(station=env.plant)
    assert (state.readings, state.rejects, state.reject_streak) == (1, 0, 0)
    # Registering the factor lets its readings in (the gateway re-reads within seconds;
    # here at once, since the registry is changed in this process).
    from zoneops.environment.services import update_station

    update_station(env.world.users["admin"], env.plant, {},
    factors=["a21028", "a24088", "a21001", "a21026"])
    field.clock.advance(60)
    assert _send(field, env, "a21026-Rtd=0.1") == "9014"
    assert Reading.objects.filter(factor__code="a21026").count() == 1


def test_counters_count_stored_readings_not_replays(field, env):
    for _ in range(3):  # a replayed upload: three packets, two readings stored
        assert _send(field, env, "a21028-Rtd=0.01;a21001-Rtd=0.2") == "9014"
    field.clock.advance(timedelta(minutes=1).total_seconds())
    assert _send(field, env, "a21028-Rtd=0.01;a21001-Rtd=0.2") == "9014"
    state = GatewayState.objects.get(station=env.plant)
    assert (state.packets, state.readings) == (4, 4)
    assert field.running.gateway.stats.readings == 4


def test_rules_reach_the_kinds_their_standards_name_through_the_gateway(env):
    # GB 37822 Table A.1 (NMHC 30 mg/m³, any reading) applies inside the plant, not at the
    # enterprise boundary (which GB 31571 Table 7 covers with 1-hour means).
    from zoneops.core.models import Alert
    from zoneops.environment.services import create_station

    inside = create_station(env.world.users["admin"], {
        "mn": "INSIDE0001", "password": "pw-in", "name": "甲化工厂区内", "kind": "厂区内监测点",
        "latitude": 30.705, "longitude": 120.905, "unit": env.world.unit_a}, factors=["a24088"])
    assert inside.kind == "in_plant"
    for station in (inside, env.plant):
        running = Field(station)
        try:
            for _ in range(2):  # the shipped rule's persistence: two readings in a row
                running.clock.advance(60)
                assert running.send({"a24088": 35.0}) == "9014"
        finally:
            running.close()
    keys = set(Alert.objects.filter(module="environment").values_list("key", flat=True))
    assert "INSIDE0001:a24088:nmhc-in-plant-single" in keys
    assert not any(k.startswith("PLANT0001:a24088:nmhc-in-plant") for k in keys)
