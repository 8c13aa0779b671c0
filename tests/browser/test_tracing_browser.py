"""Source tracing in a real browser, on the demo: the scripted release's alarm shows its
suspects on the live watch's map (the named demo enterprise first, the 90 % region and the
upwind fan), the duty officer asks for a fresh trace from the watch (the worker runs it),
opens the alarm, sees the suspects on its map and confirms the first; a resident reports an
odour from a phone and gets a tracking code; the report waits in the duty officer's queue."""

from __future__ import annotations

import json

import pytest

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

DEMO = """
import json
from zoneops.core.models import Alert
from zoneops.tracing.demo import DEMO_KEY, demo_source
from zoneops.tracing.models import OdourReport
a = Alert.objects.get(module="environment", key=DEMO_KEY)
print(json.dumps({"alert": a.pk, "source": demo_source().name,
                  "odour": list(OdourReport.objects.values_list("code", flat=True))}))
"""


def test_alarm_suspects_on_the_map_then_confirm(page, site):
    demo = json.loads(site.python(DEMO).splitlines()[-1])
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, "duty", DEMO_PASSWORD)

    # The live watch: the alarm's trace is drawn on the map.
    page.goto("/environment/")
    layer = page.locator("[data-testid=trace-layer]")
    page.wait_for_selector("[data-testid=trace-layer][data-traces]")
    item = layer.locator(f"li[data-alert-id='{demo['alert']}']")
    assert demo["source"] in item.locator("[data-testid=watch-top-suspect]").inner_text()
    assert page.locator("#map .trace-suspect").count() >= 1
    assert page.locator("#map .trace-region").count() >= 1
    assert page.locator("#map .trace-fan").count() >= 1
    screenshot(page, "tracing-watch")

    # On demand from the watch: the trace goes back to the worker, which runs it again.
    with page.expect_response(lambda r: f"/tracing/alerts/{demo['alert']}/trace/" in r.url
                              and r.status == 200):
        item.locator("[data-testid=watch-trace-now]").click()
    assert "0 trace" not in site.zoneops("tracing", "run")

    # The alarm's page: suspects ranked, on their map; the officer confirms the first.
    item.locator("a").click()
    page.wait_for_selector("[data-testid=suspect-table]")
    first = page.locator("[data-testid=suspect-table] tr[data-rank='1']")
    assert first.get_attribute("data-enterprise") == demo["source"]
    page.wait_for_selector("#trace-map[data-ready]")
    assert page.locator("#trace-map .suspect-rank-1").count() == 1
    assert page.locator("#trace-map .trace-region").count() == 1
    assert page.locator("#trace-map .trace-fan").count() == 1
    page.locator("#suspects").scroll_into_view_if_needed()
    screenshot(page, "tracing-alert")
    page.click("[data-testid=confirm-1]")
    page.wait_for_selector("[data-testid=suspect-table] tr[data-rank='1'] [data-testid=decision]")
    assert page.locator("tr[data-rank='1'] [data-testid=decision]").inner_text() == "已确认"
    assert page.locator("[data-testid=confirm-1]").count() == 0

    # The odour report near the release waits in the queue.
    page.goto("/tracing/odour/")
    assert any(page.locator(f"tr[data-code='{code}']").count() for code in demo["odour"])
    # The dashboard's hit rate counts the confirmation.
    page.goto("/")
    assert "100%" in page.locator("[data-testid=tracing-panel]").inner_text()
    assert errors == []


def test_resident_reports_an_odour_from_a_phone(browser, site):
    context = browser.new_context(base_url=site.base_url, viewport={"width": 390, "height": 844},
                                  locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/odour/")
    page.wait_for_selector("#odour-map[data-ready]")
    box = page.locator("#odour-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#odour-map[data-placed]")
    assert page.locator("#id_latitude").input_value() != ""
    page.check("input[name=intensity][value='3']")
    page.check("input[name=smell][value='solvent']")
    page.fill("#id_note", "油漆味（浏览器测试）")
    screenshot(page, "tracing-odour-form")
    page.click("[data-testid=odour-submit]")
    code = page.locator("[data-testid=tracking-code]").inner_text()
    assert len(code) == 9 and code[4] == "-"
    assert page.locator("[data-testid=track-status]").inner_text()
    assert not [c for c in context.cookies() if c["name"] == "sessionid"]
    screenshot(page, "tracing-odour-phone")
    assert errors == []
    context.close()
