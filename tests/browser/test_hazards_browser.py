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
    # Drawn for real: the unit's outline, three zones and the source as SVG paths on the map.
    page.wait_for_function("document.querySelectorAll('#unit-map path').length >= 5")
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


def test_incident_zone_task_and_close(page, site, browser):
    """The duty officer opens a drill at the chlorine tank farm, draws its zone, assigns a task
    to a unit; that unit's staff marks it done; the duty officer verifies it and closes the
    incident, and the report downloads."""

    unit_pk = site.python("from zoneops.hazards.models import HazardUnit; "
                          "print(HazardUnit.objects.get(code='HZ01').pk)").split()[-1]
    u04 = site.python("from zoneops.core.models import Unit; "
                      "print(Unit.objects.get(code='U04').pk)").split()[-1]
    login(page, "duty", DEMO_PASSWORD)
    page.goto(f"/hazards/units/{unit_pk}/")
    page.locator("[data-testid=incident-new]").click()
    form = page.locator("[data-testid=incident-form]")
    form.locator("#id_title").fill("浏览器演练：液氯泄漏")
    form.locator("#id_drill").check()
    form.locator("[data-testid=incident-open]").click()
    page.wait_for_selector("[data-testid=drill]")
    zone = page.locator("[data-testid=incident-zone-form]")
    zone.locator("#id_phase").select_option("liquefied_gas")
    zone.locator("#id_hole_diameter_mm").fill("20")
    zone.locator("#id_wind_speed_m_s").fill("3")
    zone.locator("#id_wind_from_deg").fill("90")
    zone.locator("#id_stability").select_option("D")
    zone.locator("[data-testid=incident-zone-draw]").click()
    page.wait_for_selector("[data-testid=zone-table]")
    assert page.locator("[data-testid=unit-map]").get_attribute("data-zones") == "3"
    page.wait_for_function("document.querySelectorAll('#unit-map path').length >= 5")
    assert page.locator("[data-testid=timeline] li[data-kind=zone]").count() == 1
    task = page.locator("[data-testid=task-form]")
    task.locator("#id_unit").select_option(u04)
    task.locator("#id_text").fill("下风向设置警戒线")
    task.locator("#id_due_at").fill("2099-01-01T12:00")
    task.locator("[data-testid=task-add]").click()
    page.wait_for_selector("[data-testid=task-list] tr[data-status=assigned]")
    incident_url = page.url
    screenshot(page, "hazards-incident")

    staff = browser.new_context(base_url=site.base_url, locale="zh-CN")
    other = staff.new_page()
    login(other, "unit", DEMO_PASSWORD)
    other.goto(incident_url)
    other.locator("[data-testid=task-list] input[name=feedback]").fill("警戒线已设置")
    other.locator("[data-testid=task-done]").click()
    other.wait_for_selector("[data-testid=task-list] tr[data-status=done]")
    staff.close()

    page.reload()
    page.locator("[data-testid=task-close]").click()
    page.wait_for_selector("[data-testid=task-list] tr[data-status=closed]")
    page.locator("[data-testid=close-form] textarea").fill("演练结束，泄漏已控制")
    page.locator("[data-testid=incident-close]").click()
    page.wait_for_selector("[data-testid=timeline] li[data-kind=closed]")
    assert page.locator("[data-testid=incident-status]").inner_text() == "已办结"
    with page.expect_download() as download:
        page.locator("[data-testid=incident-report]").click()
    assert download.value.suggested_filename.endswith(".docx")
