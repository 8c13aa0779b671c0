"""The indicator overview: who may open it, the latest values and the checks it shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zoneops.indicators import services

INTERNAL = ["admin", "office", "leader", "duty", "staff_a", "staff_a1", "staff_b"]
URL = "/indicators/"


@pytest.fixture
def published(world):
    office = world.users["office"]
    output = services.create_indicator(office, {
        "code": "GYZCZ", "name": "规上工业总产值", "unit": "亿元", "owner_unit": world.unit_a})
    services.set_target(office, output, year=2026, data={"value": Decimal("1200")})
    services.record_value(office, output, year=2025, month=3, data={"level": Decimal("220.0")})
    for month, level, rate in ((2, "150.5", None), (3, "240.0", "13.5")):
        services.record_value(office, output, year=2026, month=month, data={
            "level": Decimal(level), "official_rate_pct": rate and Decimal(rate)})
    tax = services.create_indicator(office, {
        "code": "SS", "name": "税收收入", "unit": "亿元", "owner_unit": world.unit_b})
    services.record_value(office, tax, year=2026, month=2, data={"level": Decimal("3.0")})
    services.record_value(office, tax, year=2026, month=3, data={"level": Decimal("2.8")})  # a fall
    return output, tax


def test_anonymous_is_sent_to_login(world):
    response = world.client(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_enterprise_contact_is_refused(published, world):
    assert world.client("enterprise_a").get(URL).status_code == 403


@pytest.mark.parametrize("who", INTERNAL)
def test_internal_users_see_latest_values_and_checks(published, world, who):
    page = world.client(who).get(URL + "?year=2026").content.decode()
    # 13.5 % official against 9.1 % from the levels: more than 3 pp apart
    assert 'data-code="GYZCZ" data-flagged="1"' in page
    assert "1–3月" in page and "240.0000" in page and "13.50%" in page and "9.1%" in page
    assert "完成目标20.0%，时间进度25.0%" in page
    assert 'data-code="SS" data-flagged="1"' in page and "累计值下降： 3月" in page


def test_within_threshold_is_not_flagged(published, world):
    output, _tax = published
    services.record_value(world.users["office"], output, year=2026, month=3,
                          data={"official_rate_pct": Decimal("10.0")})  # 0.9 pp from 9.09 %
    page = world.client("office").get(URL + "?year=2026").content.decode()
    assert 'data-code="GYZCZ" data-flagged="0"' in page


def test_year_is_checked(world):
    client = world.client("office")
    assert client.get(URL + "?year=abc").status_code == 400
    assert client.get(URL + "?year=1900").status_code == 400
    assert 'data-testid="empty"' in client.get(URL + "?year=2026").content.decode()


def test_an_english_reader_sees_periods_in_english(published, world):
    """The bureau's 1–N月 periods and single months are labels, not data: in English they read
    "Months 1–3" / "Month 3", with no 月 left over."""
    from django.conf import settings
    from django.utils import translation

    client = world.client("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        page = client.get(URL + "?year=2026").content.decode()
        detail = client.get(f"{URL}{published[1].pk}/?year=2026").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "Months 1–3" in page and "Month 3" in page and "月" not in page.split("<main")[-1]
    assert "Months 1–2" in detail and "3月" not in detail
