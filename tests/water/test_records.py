"""The chain as records: saving points (admin only, audited, graph checked), importing them
from a sheet (all or nothing), feeding the engine, and anomalies as core alerts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import override
from openpyxl import Workbook

from zoneops.core.models import Alert, AuditEntry
from zoneops.water.balance import balance as balance_chain
from zoneops.water.balance import parse_chain, run
from zoneops.water.balance.limits import set_names
from zoneops.water.models import WaterPoint
from zoneops.water.point_import import import_points
from zoneops.water.services import create_point, raise_alerts, update_point
from zoneops.water.simulate import Discharge, simulate


@pytest.mark.parametrize(("who", "allowed"), [("admin", True), ("office", False),
                                              ("leader", False), ("staff_a", False)])
def test_only_an_administrator_saves_points(world, who, allowed) -> None:
    data = {"code": "S1", "name": "甲化工纳管口", "kind": "source"}
    if not allowed:
        with pytest.raises(PermissionDenied):
            create_point(world.users[who], data)
        assert not WaterPoint.objects.exists()
        return
    point = create_point(world.users[who], data)
    assert AuditEntry.objects.filter(object_id=str(point.pk)).exists()


def test_the_graph_is_checked_by_the_engines_rules(world) -> None:
    admin = world.users["admin"]
    n1 = create_point(admin, {"code": "N1", "name": "一号井", "kind": "network"})
    s1 = create_point(admin, {"code": "S1", "name": "纳管口", "kind": "source", "downstream": n1,
                            "travel_minutes": 30})
    with pytest.raises(ValidationError) as caught:
        update_point(admin, n1, {"downstream": s1})
    assert "loops back" in str(caught.value.message_dict["downstream"])
    with pytest.raises(ValidationError) as caught:
        update_point(admin, s1, {"travel_minutes": -1})
    assert "travel_minutes" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        update_point(admin, n1, {"kind": "river", "target_class": "VII"})
    assert "target_class" in caught.value.message_dict
    n1.refresh_from_db()
    assert n1.downstream is None and n1.kind == "network"


def sheet(tmp_path: Path, rows: list[list]) -> str:
    book = Workbook()
    for row in [["编号", "名称", "类型", "下游", "流经时间", "责任单位", "目标类别"], *rows]:
        book.active.append(row)
    path = tmp_path / "chain.xlsx"
    book.save(path)
    return str(path)


def test_import_a_chain_from_a_sheet(world, tmp_path) -> None:
    path = sheet(tmp_path, [["S1", "甲化工纳管口", "排放源", "N1", 30, "A", None],
                            ["N1", "一号井", "管网", "P-in", 45, "B", None],
                            ["P-in", "污水厂进水", "进水口", None, None, None, None],
                            ["R1", "下游断面", "断面", None, None, None, "III"]])
    saved = import_points(world.users["admin"], path)
    assert [p.code for p in saved] == ["S1", "N1", "P-in", "R1"]
    s1 = WaterPoint.objects.get(code="S1")
    assert (s1.kind, s1.downstream.code, s1.travel_minutes, s1.unit) == (
        "source", "N1", 30.0, world.unit_a)
    assert WaterPoint.objects.get(code="R1").target_class == "III"
    # Importing again changes nothing and duplicates nothing.
    import_points(world.users["admin"], path)
    assert WaterPoint.objects.count() == 4


def test_a_bad_sheet_reports_every_problem_and_saves_nothing(world, tmp_path) -> None:
    path = sheet(tmp_path, [["S1", "纳管口", "泵站", "N9", "half", "Z", None],
                            ["S1", "", "source", None, None, None, None]])
    with pytest.raises(ValidationError) as caught, override("en"):
        import_points(world.users["admin"], path)
    with override("en"):
        messages = caught.value.messages
    assert "Sheet!C2 (类型): “泵站” is not one of source, network, plant_inlet, " \
           "plant_outlet, outfall, river." in messages
    assert "Sheet!E2 (流经时间): Must be a number." in messages
    assert "Sheet!F2 (责任单位): No unit “Z”." in messages
    assert "Sheet!D2 (下游): No point “N9”." in messages
    assert "Sheet!B3 (名称): 名称 is empty." in messages
    assert "Sheet!A3 (编号): “S1” is already on row 2." in messages
    loop = sheet(tmp_path, [["A", "甲", "network", "B"], ["B", "乙", "network", "A"]])
    with pytest.raises(ValidationError, match="loops back"):
        import_points(world.users["admin"], loop)
    assert not WaterPoint.objects.exists()
    with pytest.raises(PermissionDenied):
        import_points(world.users["office"], sheet(tmp_path, [["A", "甲", "network"]]))


def test_records_feed_the_engine_and_anomalies_become_alerts(world) -> None:
    admin = world.users["admin"]
    doc = simulate(days=10, seed=4, discharges=(Discharge("N2", 8 * 24 + 1, 4, 27.0),))
    made: dict[str, WaterPoint] = {}
    for p in reversed(doc["points"]):  # downstream first
        made[p["id"]] = create_point(admin, {
            "code": p["id"], "name": p["id"], "kind": p["kind"],
            "downstream": made.get(p.get("downstream")),
            "travel_minutes": p.get("travel_minutes", 0.0),
            "target_class": p.get("target_class", ""), "limit_set": p.get("limit_set", ""),
            "unit": world.unit_b if p["id"] == "N2" else None})
    points = [w.as_chain_point() for w in WaterPoint.objects.select_related("downstream")]
    from_records = run({"points": points, "series": doc["series"]})
    assert from_records == run(doc)
    anomalies = balance_chain(parse_chain({"points": points, "series": doc["series"]},
                                          set_names()))
    raise_alerts(anomalies)
    alert = Alert.objects.get(module="water", key="N2:unexplained_load:COD")
    assert alert.level == Alert.Level.ORANGE and alert.unit == world.unit_b
    # Stored in the platform's language, shown in the reader's (the message is kept).
    assert "N2 收到的 COD 比其上游 3 个点位送来的多 2" in alert.detail
    with override("en"):
        assert "N2 received 2" in alert.display_detail
    assert alert.data["end"] == "2026-12-09T05:00:00+08:00"
    raise_alerts(anomalies)  # the same cause again: refreshed, not duplicated
    assert Alert.objects.filter(module="water").count() == len(anomalies)


def test_import_places_points_on_the_map(world, tmp_path) -> None:
    book = Workbook()
    for row in (["编号", "名称", "类型", "纬度", "经度"], ["N1", "一号井", "管网", 30.71, 120.95],
                ["N2", "二号井", "管网", 95, "东"]):
        book.active.append(row)
    path = tmp_path / "map.xlsx"
    book.save(path)
    with pytest.raises(ValidationError) as caught:
        import_points(world.users["admin"], str(path))
    assert caught.value.messages == ["Sheet!D3（纬度）：应在 -90 至 90 之间。",
                                     "Sheet!E3（经度）：必须是数字。"]
    book.active.delete_rows(3)
    book.save(path)
    (n1,) = import_points(world.users["admin"], str(path))
    assert n1.location() == (30.71, 120.95)
    # A sheet without the columns leaves the location as it is.
    book.active.delete_cols(4, 2)
    book.save(path)
    import_points(world.users["admin"], str(path))
    n1.refresh_from_db()
    assert n1.location() == (30.71, 120.95)
