"""Recording a period on an indicator's page: who may, and what a bad entry shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zoneops.core.models import AuditEntry
from zoneops.indicators import services
from zoneops.indicators.models import Value

READERS = ["admin", "office", "leader", "duty", "staff_a", "staff_a1", "staff_b"]
RECORDERS = {"admin", "office"}  # only the office writes directly (issue 23)
SUBMITTERS = {"staff_a"}  # the owner unit's staff submit for review (test_submissions.py)


@pytest.fixture
def output(world):
    indicator = services.create_indicator(world.users["office"], {
        "code": "GYZCZ", "name": "规上工业总产值", "unit": "亿元", "owner_unit": world.unit_a})
    services.set_target(world.users["office"], indicator, year=2026,
                        data={"value": Decimal("1200")})
    services.record_value(world.users["office"], indicator, year=2026, month=2,
                          data={"level": Decimal("150.5")})
    return indicator


def url(indicator) -> str:
    return f"/indicators/{indicator.pk}/?year=2026"


def test_anonymous_and_enterprise(world, output):
    anonymous = world.client(None).get(url(output))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    enterprise = world.client("enterprise_a")
    assert enterprise.get(url(output)).status_code == 403
    assert enterprise.post(url(output), {"year": 2026, "month": 3, "level": "1"}).status_code == 403


@pytest.mark.parametrize("who", READERS)
def test_readers_and_recorders(world, output, who):
    client = world.client(who)
    page = client.get(url(output)).content.decode()
    assert "1–2月" in page and "150.5000" in page
    assert ('data-testid="value-form"' in page) == (who in RECORDERS)
    assert ('data-testid="submit-form"' in page) == (who in SUBMITTERS)
    response = client.post(url(output), {"year": "2026", "month": "3", "level": "240.0",
                                         "official_rate_pct": "8.3"})
    if who in RECORDERS:
        assert response.status_code == 302
        value = Value.objects.get(indicator=output, year=2026, month=3)
        assert (value.level, value.official_rate_pct) == (Decimal("240.0"), Decimal("8.3"))
        assert AuditEntry.objects.filter(object_id=str(value.pk), actor=world.users[who]).exists()
        after = client.get(url(output)).content.decode()
        assert "89.5000" in after  # March alone = 240.0 − 150.5
    elif who in SUBMITTERS:  # a submission waits for the office; no value yet
        assert response.status_code == 302
        assert not Value.objects.filter(month=3).exists()
        assert output.submissions.get(month=3).submitted_by == world.users[who]
    else:
        assert response.status_code == 403
        assert not Value.objects.filter(month=3).exists()


@pytest.mark.parametrize("who", ["office", "staff_a"])
def test_bad_entries_are_shown_on_the_fields(world, output, who):
    client = world.client(who)
    empty = client.post(url(output), {"year": "2026", "month": "4"}).content.decode()
    assert "请填写总量或官方增速" in empty and 'role="alert"' in empty
    month = client.post(url(output), {"year": "2026", "month": "13", "level": "1"})
    assert month.status_code == 200 and 'role="alert"' in month.content.decode()
    assert not Value.objects.filter(month__in=(4, 13)).exists()
    assert not output.submissions.exists()


def test_unknown_indicator_and_bad_year(world, output):
    client = world.client("office")
    assert client.get("/indicators/999999/").status_code == 404
    assert client.get(f"/indicators/{output.pk}/?year=x").status_code == 400
