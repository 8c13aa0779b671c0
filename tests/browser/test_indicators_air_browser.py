"""The air calendar in a real browser on the real demo: coloured days, the summary, a click
through to one day's stations."""

from __future__ import annotations

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot


def test_air_calendar_and_a_day(page):
    login(page, "office", DEMO_PASSWORD)
    page.goto("/indicators/")
    page.click("[data-testid=air-link]")
    page.wait_for_selector("[data-testid=calendar]")
    coloured = page.locator("[data-testid=calendar] td[data-category]:not([data-category=''])")
    assert coloured.count() >= 1
    headers = page.locator("[data-testid=calendar] thead th").all_inner_texts()
    assert headers == ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
    first = coloured.first
    category = first.get_attribute("data-category")
    assert category in {"优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"}
    assert first.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    rate = page.locator("[data-testid=ytd-summary] td[data-rate]").inner_text()
    assert rate.endswith("%")
    screenshot(page, "indicators-air")
    aqi = first.get_attribute("data-aqi")
    first.locator("a").click()
    page.wait_for_selector("[data-testid=stations]")
    assert page.locator("[data-testid=zone-day]").get_attribute("data-aqi") == aqi
    assert page.locator("[data-testid=stations] tr[data-station]").count() >= 2
    assert page.locator("td[data-pollutant='O3'] [data-hours]").count() >= 2
