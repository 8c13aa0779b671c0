"""The leader's screen at 1920×1080: every card, four trend charts and the open alerts on one
screen, nothing to scroll, nothing loaded from outside."""

from __future__ import annotations

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot


def test_leader_screen_fits_1920_by_1080(browser, site):
    context = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(site.base_url) else None)
    login(page, "leader", DEMO_PASSWORD)
    page.goto("/indicators/")
    page.click("[data-testid=screen-link]")
    page.wait_for_selector(".ind-chart[data-drawn='1'] canvas")
    assert page.locator(".ind-cards .ind-card").count() == 6
    assert page.locator(".ind-chart canvas").count() == 4
    assert page.locator("[data-testid=alerts] h2").inner_text().startswith("未办结告警")
    size = page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]")
    assert size[0] <= 1920 and size[1] <= 1080, size
    bottom = page.evaluate("document.querySelector('.ind-lower').getBoundingClientRect().bottom")
    assert bottom <= 1080
    assert outside == []
    screenshot(page, "indicators-screen")
    context.close()
