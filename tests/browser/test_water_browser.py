"""The wastewater chain in a real browser: the demo's simulated water loggers send three days
through a real gateway process (a night discharge into the sewer above N2 among them); the
chain page shows N2 as a finding on the schematic, lists the anomaly, and leads to N2's loads
with its residual; an enterprise contact sees its own point only."""

from __future__ import annotations

import pytest

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot
from .test_environment_browser import gateway  # noqa: F401 - the real gateway process

pytestmark = pytest.mark.browser


def test_the_chain_page_shows_the_night_discharge(page, site, gateway):  # noqa: F811
    sent = site.zoneops("water", "simulate", "--port", str(gateway), "--days", "3",
                        "--raise-alerts")
    assert "uploads sent and acknowledged" in sent
    login(page, "duty", DEMO_PASSWORD)
    page.goto("/water/")
    node = page.locator("[data-testid=node-N2]")
    node.wait_for()
    assert node.get_attribute("data-state") == "3"
    assert page.locator("[data-testid=node-S1]").get_attribute("data-state") == "0"
    # 21 points of the chain and the emission-rights demo firm's own outlet (RQ-S1).
    assert page.locator("#schematic").get_attribute("data-points") == "22"
    row = page.locator("#anomaly-rows tr[data-point=N2][data-kind=unexplained_load]"
                       "[data-pollutant=COD]")
    assert "N2 收到的 COD 比其上游" in row.inner_text()
    assert page.locator("#map").get_attribute("data-points") == "22"
    assert page.locator(".water-marker").count() == 22
    screenshot(page, "water-chain")
    node.click()
    page.wait_for_selector("[data-testid=point-name]")
    assert "二号管网监测井" in page.locator("[data-testid=point-name]").inner_text()
    page.wait_for_selector("#chart-load[data-points]")
    assert int(page.locator("#chart-load").get_attribute("data-points")) > 48
    assert page.locator("[data-testid=point-anomalies] tr[data-kind=unexplained_load]").count()
    screenshot(page, "water-point")
    page.goto("/water/balance/")
    assert page.locator("[data-testid=balance-table] tr[data-point=N2][data-within=no]").count()
    # The finding is an alert in the core loop, for the duty officer to take up.
    page.goto("/alerts/")
    assert "污水链路 N2：COD 不明来源负荷" in page.locator("body").inner_text()


def test_an_enterprise_contact_sees_its_own_point(page, site):
    login(page, "enterprise", DEMO_PASSWORD)
    page.goto("/water/")
    page.locator("#schematic").wait_for()
    assert page.locator("#schematic").get_attribute("data-points") == "2"
    assert page.locator("[data-testid=node-S1]").count() == 1
