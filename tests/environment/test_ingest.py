"""Ingest, the station registry, export and alarms raised as core alerts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from openpyxl import Workbook

from zoneops.core.models import Alert, AuditEntry
from zoneops.environment import services
from zoneops.environment.convert import ReadingIn, beijing_to_utc, readings_from_packet
from zoneops.environment.models import (
    AlarmRule,
    AlarmState,
    Factor,
    GatewayState,
    Reading,
    RejectCount,
    Station,
)
from zoneops.environment.station_import import import_stations
from zoneops.hj212 import decode

from .conftest import frame

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def r(code, value, minutes=0, flag="N", kind="rtd"):
    return ReadingIn(code, T0 + timedelta(minutes=minutes), kind, value, flag)


def test_factors_and_default_rules_are_seeded_as_data(db):
    assert Factor.objects.get(code="a21028").name_zh == "硫化氢"
    h2s = AlarmRule.objects.get(code="h2s-fenceline")
    assert [t["on"] for t in h2s.tiers] == [0.03, 0.06]
    assert "GB 14554-93" in h2s.source
    assert all(rule.source for rule in AlarmRule.objects.all())


def test_packet_time_is_beijing_and_stored_utc(env):
    packet = decode(frame(env.plant, datetime(2026, 3, 1, 16, 0), {"a21028": (0.01, "N")}))
    (reading,) = readings_from_packet(packet)
    assert reading.time == datetime(2026, 3, 1, 8, 0, tzinfo=UTC) == beijing_to_utc(
        datetime(2026, 3, 1, 16, 0))
    services.ingest(env.plant.pk, [reading])
    assert Reading.objects.get().time == T0


def test_ingest_is_idempotent_and_counts(env):
    batch = [r("a21028", 0.01), r("a24088", 1.2)]
    services.ingest(env.plant.pk, batch, address="10.0.0.9:5000")
    services.ingest(env.plant.pk, batch)
    assert Reading.objects.count() == 2
    state = GatewayState.objects.get(station=env.plant)
    # The resend is a packet, but stored nothing: the counters count stored readings.
    assert (state.packets, state.readings, state.last_address) == (2, 2, "10.0.0.9:5000")
    assert state.last_seen is not None


def test_unknown_and_unregistered_factors_are_left_out_and_counted_by_reason(env):
    # Issue 17: an authenticated logger can neither create factors nor file readings under
    # a factor its station does not measure; the rest of its upload is kept.
    result = services.ingest(env.plant.pk, [r("x99999", 3.0), r("a21026", 0.1),
                                            r("a21028", 0.01)])
    assert result.stored == 1 and not Factor.objects.filter(code="x99999").exists()
    assert list(Reading.objects.values_list("factor__code", flat=True)) == ["a21028"]
    counts = dict(env.plant.reject_counts.values_list("code", "count"))
    assert counts == {"unknown_factor": 1, "unregistered_factor": 1}
    state = GatewayState.objects.get(station=env.plant)
    assert (state.readings, state.rejects, state.reject_streak) == (1, 0, 0)


def test_a_station_or_factor_with_readings_cannot_be_deleted(env):
    """Readings carry no foreign-key constraints (ingest speed); the delete guard stands in
    for them: the ORM's PROTECT, and on PostgreSQL triggers that also stop raw SQL."""
    services.ingest(env.plant.pk, [r("a21028", 0.01)])
    h2s = Factor.objects.get(code="a21028")
    with pytest.raises(ProtectedError):
        env.plant.delete()
    with pytest.raises(ProtectedError):
        h2s.delete()
    if connection.vendor != "postgresql":
        return  # SQLite: the ORM guard alone (see environment migration 0004)
    for table, pk in (("environment_station", env.plant.pk), ("environment_factor", h2s.pk)):
        with pytest.raises(IntegrityError, match="still has readings"), \
                transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    assert Station.objects.filter(pk=env.plant.pk).exists()
    assert Factor.objects.filter(pk=h2s.pk).exists() and Reading.objects.count() == 1
    # Without readings the guard lets the delete through.
    unused = Factor.objects.create(code="x12345", name_en="x", name_zh="x", unit="",
                                   from_code_table=False)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM environment_factor WHERE id = %s", [unused.pk])
    assert not Factor.objects.filter(pk=unused.pk).exists()


@pytest.mark.usefixtures("instant_rules")
def test_threshold_alarm_becomes_core_alert_with_readings_and_wind(env):
    services.ingest(env.mast.pk, [r("a01007", 3.2), r("a01008", 135.0)])
    services.ingest(env.plant.pk, [r("a21028", 0.01, 1)])
    services.ingest(env.plant.pk, [r("a21028", 0.04, 2)])
    alert = Alert.objects.get(module="environment")
    assert alert.key == "PLANT0001:a21028:h2s-fenceline"
    assert alert.level == 2 and alert.unit == env.world.unit_a
    assert alert.enterprise == env.world.enterprise_a
    assert alert.data["wind"]["speed"] == 3.2 and alert.data["wind"]["direction"] == 135.0
    assert [x["value"] for x in alert.data["readings"]] == [0.01, 0.04]
    assert "GB 14554-93" in alert.data["source"]
    services.ingest(env.plant.pk, [r("a21028", 0.08, 3)])  # escalates the same alert
    alert.refresh_from_db()
    assert alert.level == 4 and Alert.objects.filter(module="environment").count() == 1
    services.ingest(env.plant.pk, [r("a21028", 0.001, 4)])  # clears: cause cleared, still open
    alert.refresh_from_db()
    assert alert.cause_cleared_at is not None and alert.is_open
    # The state lives in the database: a "restart" (fresh caches) continues from it.
    assert AlarmState.objects.get(station=env.plant, factor_code="a21028",
                                  rule__code="h2s-fenceline").tier == -1


def test_bad_flags_never_raise_pollution_but_raise_quality(env):
    for minute in range(4):
        services.ingest(env.plant.pk, [r("a21028", 5.0, minute, flag="D")])
    keys = set(Alert.objects.filter(module="environment").values_list("key", flat=True))
    assert keys == {"PLANT0001:a21028:data-quality"}


@pytest.mark.usefixtures("instant_rules")
def test_scope_by_kind(env):
    # GB 37822 Table A.1 (in-plant NMHC) applies inside the plant only - not to an
    # enterprise's fence-line monitor nor to the park boundary; GB 31571 Table 7 (boundary
    # NMHC 4.0, 1-hour mean) to the enterprise boundary only.
    inside = services.create_station(env.world.users["admin"], {
        "mn": "INSIDE0001", "password": "pw", "name": "甲化工厂区内", "kind": "in_plant",
        "latitude": 30.705, "longitude": 120.905, "unit": env.world.unit_a}, factors=["a24088"])
    for station in (inside, env.plant, env.edge):
        services.ingest(station.pk, [r("a24088", 35.0), r("a24088", 4.5, kind="hour")])
    keys = set(Alert.objects.filter(module="environment").values_list("key", flat=True))
    assert keys == {"INSIDE0001:a24088:nmhc-in-plant-single",
                    "PLANT0001:a24088:nmhc-boundary-hour"}


def test_silent_station_raises_no_data_and_clears_on_data(env):
    services.ingest(env.plant.pk, [r("a21028", 0.0)], now=T0)
    assert services.check_silence(T0 + timedelta(seconds=599)) == 0
    assert services.check_silence(T0 + timedelta(seconds=600)) == 1
    alert = Alert.objects.get(key="PLANT0001:*:no-data")
    assert alert.level == 2 and alert.cause_cleared_at is None
    services.ingest(env.plant.pk, [r("a21028", 0.0, 20)], now=T0 + timedelta(seconds=1300))
    alert.refresh_from_db()
    assert alert.cause_cleared_at is not None


def test_repeated_rejects_raise_an_alarm(env):
    for _ in range(5):
        services.record_reject(env.plant.pk, "crc_mismatch", "CRC field is 0000")
    assert RejectCount.objects.get(station=env.plant, code="crc_mismatch").count == 5
    assert Alert.objects.filter(key="PLANT0001:*:rejects").exists()


def test_station_add_command_is_audited_and_validated(world):
    call_command("environment", "station", "add", "--mn", "NEW01", "--pw", "123456",
                 "--name", "新站", "--kind", "ambient", "--lat", "30.7", "--lon", "120.9")
    station = Station.objects.get(mn="NEW01")
    entry = AuditEntry.objects.get(action="create", object_id=str(station.pk),
                                   content_type__model="station")
    assert "password" not in entry.after
    with pytest.raises(CommandError, match="kind"):
        call_command("environment", "station", "add", "--mn", "NEW02", "--pw", "1",
                     "--name", "x", "--kind", "volcano", "--lat", "30.7", "--lon", "120.9")
    with pytest.raises(CommandError, match="latitude"):
        call_command("environment", "station", "add", "--mn", "NEW03", "--pw", "1",
                     "--name", "x", "--kind", "ambient", "--lat", "95", "--lon", "120.9")
    assert not Station.objects.filter(mn__in=["NEW02", "NEW03"]).exists()


def test_only_admin_manages_stations(world):
    with pytest.raises(PermissionDenied):
        services.create_station(world.users["duty"], {"mn": "X", "password": "1", "name": "x",
                                                    "kind": "ambient", "latitude": 1,
                                                    "longitude": 1})


def _xlsx(tmp_path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["MN", "密码", "名称", "类型", "纬度", "经度", "企业", "责任单位", "监测因子"])
    for row in rows:
        ws.append(row)
    path = tmp_path / "stations.xlsx"
    wb.save(path)
    return path


def test_import_all_or_nothing_with_row_and_column(world, tmp_path):
    bad = _xlsx(tmp_path, [
        ["S1", "p1", "一号站", "园区边界站", 30.7, 120.9, "", "A", "a21028,a24088"],
        ["S2", "p2", "二号站", "volcano", 30.7, 120.9, "", "", ""],
        ["S3", "p3", "三号站", "ambient", "north", 120.9, "无此企业", "", ""],
    ])
    with pytest.raises(ValidationError) as info:
        import_stations(world.users["admin"], str(bad))
    text = " | ".join(info.value.messages)
    assert "Sheet!D3（类型）：“volcano”不是" in text and "Sheet!E4（纬度）：须为" in text
    assert "Sheet!G4（企业）：没有企业“无此企业”。" in text
    assert not Station.objects.exists()
    good = _xlsx(tmp_path, [
        ["S1", "p1", "一号站", "园区边界站", 30.7, 120.9, "", "经发局", "a21028、a24088"],
        ["S2", "p2", "二号站", "enterprise", 30.7, 120.9, world.enterprise_b.name, "", ""],
        ["S3", "p3", "三号点", "厂区内监测点", 30.7, 120.9, world.enterprise_b.name, "", ""],
    ])
    call_command("environment", "station", "import", str(good))
    s1, s2, s3 = Station.objects.order_by("mn")
    assert s3.kind == "in_plant"
    assert s1.kind == "boundary" and s1.unit == world.unit_a
    assert sorted(s1.factors.values_list("code", flat=True)) == ["a21028", "a24088"]
    assert s2.enterprise == world.enterprise_b and s2.unit == world.unit_b


def test_export_command_csv_in_range(env, tmp_path):
    services.ingest(env.plant.pk, [r("a21028", 0.01, m) for m in range(0, 120, 10)])
    out = tmp_path / "out.csv"
    call_command("environment", "export", "--station", "PLANT0001",
                 "--from", "2026-03-01T16:30", "--to", "2026-03-01T17:00", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["time_beijing"] for row in rows] == [
        "2026-03-01 16:30:00", "2026-03-01 16:40:00", "2026-03-01 16:50:00"]
    with pytest.raises(CommandError, match="no station"):
        call_command("environment", "export", "--station", "NOPE", "--out", str(out))


def test_rules_file_can_add_warning_tiers(world, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('{"rules": [{"code": "h2s-fenceline", "add_tiers": '
                    '[{"name": "关注", "level": 1, "on": 0.02, "source": "本园区"}]}]}',
                    encoding="utf-8")
    call_command("environment", "rules", "load", str(path))
    assert [t["name"] for t in AlarmRule.objects.get(code="h2s-fenceline").tiers] == [
        "关注", "预警", "报警"]
    path.write_text('{"rules": [{"code": "h2s-fenceline", "add_tiers": '
                    '[{"name": "错", "level": 1, "on": 0.06}]}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="h2s-fenceline"):
        call_command("environment", "rules", "load", str(path))


def test_station_kinds_by_the_standards_names_in_sheets_rules_and_labels(world, tmp_path):
    # The sheet takes the standards' Chinese names (with or without 站/监测点) beside the
    # stored ones; the page labels are the standards' terms.
    sheet = _xlsx(tmp_path, [
        ["K1", "p", "园区东边界", "园区边界", 30.7, 120.9, "", "", ""],
        ["K2", "p", "甲厂厂界", "企业边界", 30.7, 120.9, "", "", ""],
        ["K3", "p", "甲厂厂区内", "厂区内", 30.7, 120.9, "", "", ""],
        ["K4", "p", "园区空气站", "环境空气站", 30.7, 120.9, "", "", ""],
        ["K5", "p", "气象塔", "气象", 30.7, 120.9, "", "", ""],
        ["K6", "p", "甲厂总排口", "废水监测点", 30.7, 120.9, "", "", ""],
        ["K7", "p", "河道断面", "地表水", 30.7, 120.9, "", "", ""],
        ["K8", "p", "乙厂厂界", "企业厂界站", 30.7, 120.9, "", "", ""],
    ])
    import_stations(world.users["admin"], str(sheet))
    kinds = dict(Station.objects.values_list("mn", "kind"))
    assert kinds == {"K1": "boundary", "K2": "enterprise", "K3": "in_plant", "K4": "ambient",
                     "K5": "weather", "K6": "wastewater", "K7": "surface_water",
                     "K8": "enterprise"}
    labels = {s.mn: str(s.get_kind_display()) for s in Station.objects.all()}
    assert (labels["K1"], labels["K2"], labels["K3"]) == ("园区边界站", "企业边界站",
                                                          "厂区内监测点")
    # Rule files may name the scope the same way; a kind that is none is refused.
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [
        {"code": "nmhc-in-plant-test", "kind": "level", "factor": "a24088", "scope": "kind",
         "scope_kind": "厂区内", "source": "GB 37822-2019 Table A.1",
         "tiers": [{"name": "报警", "level": 4, "on": 30, "off": 27}]}]}), encoding="utf-8")
    services.load_rules("system", rules)
    assert AlarmRule.objects.get(code="nmhc-in-plant-test").scope_kind == "in_plant"
    rules.write_text(json.dumps({"rules": [
        {"code": "nmhc-nowhere", "kind": "level", "factor": "a24088", "scope": "kind",
         "scope_kind": "厂房顶", "tiers": [{"name": "报警", "level": 4, "on": 30, "off": 27}]}]}),
        encoding="utf-8")
    with pytest.raises(ValidationError, match="厂房顶"):
        services.load_rules("system", rules)
    # The command line too.
    call_command("environment", "station", "add", "--mn", "K9", "--pw", "1", "--name", "x",
                 "--kind", "厂区内监测点", "--lat", "30.7", "--lon", "120.9")
    assert Station.objects.get(mn="K9").kind == "in_plant"
