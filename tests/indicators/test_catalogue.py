"""Catalogue, targets and values through the services: permissions, audit, invariants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zoneops.core.models import AuditEntry
from zoneops.indicators import selectors, services
from zoneops.indicators.models import Indicator, Value


@pytest.fixture
def output(world) -> Indicator:
    return services.create_indicator(world.users["office"], {
        "code": "GYZCZ", "name": "规上工业总产值", "unit": "亿元", "basis": "nominal",
        "accumulation": "cumulative", "frequency": "monthly", "owner_unit": world.unit_a,
        "source": "区统计局月报"})


def test_office_and_admin_manage_the_catalogue(world, output):
    assert AuditEntry.objects.filter(object_id=str(output.pk), action="create").exists()
    services.update_indicator(world.users["admin"], output, {"name": "规上工业总产值（亿元）"})
    for who in ("leader", "duty", "staff_a", "enterprise_a"):
        with pytest.raises(PermissionDenied):
            services.create_indicator(world.users[who], {"code": f"X{who}", "name": "x",
                                                       "unit": "个", "owner_unit": world.unit_a})
        with pytest.raises(PermissionDenied):
            services.set_target(world.users[who], output, year=2026,
                                data={"value": Decimal("1200")})
    assert Indicator.objects.count() == 1


def test_values_are_recorded_by_the_office_only(world, output):
    services.record_value(world.users["admin"], output, year=2026, month=2,
                          data={"level": Decimal("150.5"), "official_rate_pct": Decimal("8.3")})
    # the owner unit's staff submit for review instead (issue 23, see test_submissions.py)
    for who in ("staff_a", "staff_b", "enterprise_a", "leader"):
        with pytest.raises(PermissionDenied):
            services.record_value(world.users[who], output, year=2026, month=3,
                                  data={"level": Decimal("240")})
    services.record_value(world.users["office"], output, year=2026, month=3,
                          data={"level": Decimal("240.0")})
    # a correction updates the same period, audited with before and after
    services.record_value(world.users["office"], output, year=2026, month=3,
                          data={"level": Decimal("241.0")})
    assert Value.objects.filter(indicator=output).count() == 2
    update = AuditEntry.objects.filter(action="update").latest("pk")
    assert (Decimal(update.before["level"]), Decimal(update.after["level"])) == (
        Decimal("240"), Decimal("241"))


def test_sub_unit_staff_cannot_record_for_the_parent_unit(world, output):
    # Staff act for their own unit and the units below it, not the one above.
    with pytest.raises(PermissionDenied):
        services.record_value(world.users["staff_a1"], output, year=2026, month=3,
                              data={"level": 1})


def test_official_rate_is_stored_as_published(world, output):
    services.record_value(world.users["office"], output, year=2025, month=12,
                          data={"level": Decimal("1000")})
    value = services.record_value(world.users["office"], output, year=2026, month=12, data={
        "level": Decimal("1069.6"), "official_rate_pct": Decimal("11.2")})
    value.refresh_from_db()
    assert value.official_rate_pct == Decimal("11.20")  # not 6.96 from the levels


def test_invariants_name_the_field(world, output):
    with pytest.raises(ValidationError) as empty:
        services.record_value(world.users["office"], output, year=2026, month=4,
                              data={"note": "待核"})
    assert "level" in empty.value.message_dict
    with pytest.raises(ValidationError) as month:
        services.record_value(world.users["office"], output, year=2026, month=13, data={"level": 1})
    assert "month" in month.value.message_dict
    quarterly = services.create_indicator(world.users["office"], {
        "code": "GDP", "name": "地区生产总值", "unit": "亿元", "basis": "real",
        "frequency": "quarterly", "owner_unit": world.unit_a})
    with pytest.raises(ValidationError) as quarter:
        services.record_value(world.users["office"], quarterly, year=2026, month=4,
                              data={"level": 50})
    assert "month" in quarter.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        services.record_value(world.users["office"], output, year=2026, month=4, data={"rate": 1})
    assert "rate" in unknown.value.message_dict
    assert not Value.objects.filter(month__in=(4, 13)).exists()


def test_selectors_single_months_and_progress(world, output):
    office = world.users["office"]
    services.set_target(office, output, year=2026, data={"value": Decimal("1200")})
    for month, level in ((2, "150.5"), (3, "240.0"), (4, "230.0")):
        services.record_value(office, output, year=2026, month=month,
                              data={"level": Decimal(level)})
    months = selectors.single_months(output, 2026)
    assert [(m.label, m.value, m.falls) for m in months] == [
        ("1–2月", Decimal("150.5"), False), ("3月", Decimal("89.5"), False),
        ("4月", Decimal("-10.0"), True)]
    progress = selectors.progress(output, 2026)
    assert (progress.done_pct, progress.time_pct) == (19.2, 33.3)
    assert list(selectors.indicators(world.users["leader"])) == [output]
    assert list(selectors.indicators(world.users["enterprise_a"])) == []
