"""The threat zone in the browser: a person opens the demo chlorine tank farm, enters the wind,
draws the zone, and sees the three AEGL polygons on the map with the counts beside them; an
enterprise contact sees its own units only."""

from __future__ import annotations

import pytest

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_draw_a_chlorine_zone_on_the_unit_map(page):
    login(page, "duty", DEMO_PASSWORD)
    page.goto("/hazards/")
    page.get_by_role("link", name="HZ01 液氯储罐区").click()
    page.wait_for_selector("[data-testid=unit-map].leaflet-container")
    form = page.locator("[data-testid=zone-form]")
    form.locator("#id_phase").select_option("liquefied_gas")
    form.locator("#id_hole_diameter_mm").fill("25")
    form.locator("#id_temperature_c").fill("25")
    form.locator("#id_wind_speed_m_s").fill("2.5")
    form.locator("#id_wind_from_deg").fill("45")
    form.locator("#id_stability").select_option("D")
    form.locator("[data-testid=zone-draw]").click()
    page.wait_for_selector("[data-testid=zone-table]")
    unit_map = page.locator("[data-testid=unit-map]")
    assert unit_map.get_attribute("data-zones") == "3"
    # Three filled zone polygons plus the unit's outline, drawn on the map's canvas/SVG.
    assert page.locator("[data-testid=zone-table] tbody tr").count() == 3
    assert "SLAB" in page.locator("[data-testid=zone-model]").inner_text()
    assert "上风" in page.locator("[data-testid=zone-evacuation]").inner_text()
    screenshot(page, "hazards-threat-zone")


def test_unit_page_with_no_drawable_chemical_says_why(page):
    login(page, "duty", DEMO_PASSWORD)
    page.goto("/hazards/")
    page.get_by_role("link", name="HZ05 苯罐区").click()
    assert "AEGL" in page.locator("main").inner_text()
    assert page.locator("[data-testid=zone-form]").count() == 0
