"""What a person does in the browser: log in as each role, switch language, read the map,
and carry an alert from raised to closed."""

from __future__ import annotations

import json

import pytest

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

BASE_NAV = ["home", "alert-list", "map", "supervision:item-list", "supervision:dashboard",
            "environment-watch", "water-chain", "hazards-unit-list", "rights-holdings",
            "indicators-claims", "unit-list", "enterprise-list"]
# Read-all roles also see the odour-report queue (tracing) and voting.
WITH_VOTING = BASE_NAV[:8] + ["tracing-odour-queue", "voting-campaign-list"] + BASE_NAV[8:]
NAV_BY_USER = {
    "admin": WITH_VOTING + ["user-list", "audit-list"],
    "office": WITH_VOTING,
    "leader": WITH_VOTING,
    "unit": BASE_NAV,
    "duty": WITH_VOTING,
    "enterprise": ["home", "alert-list", "environment-watch", "water-chain",
                   "hazards-unit-list", "rights-holdings", "enterprise-list"],
}


@pytest.mark.parametrize("username", list(NAV_BY_USER))
def test_each_role_logs_in_and_sees_its_navigation(page, username):
    login(page, username, DEMO_PASSWORD)
    shown = page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.dataset.nav)")
    assert shown == NAV_BY_USER[username]
    assert page.locator("[data-testid=role]").inner_text().strip()
    screenshot(page, f"dashboard-{username}")
    # A page outside the role answers with a clear refusal, not a crash.
    if "user-list" not in shown:
        page.goto("/people/")
        assert page.locator("h1").inner_text() == "无权访问"


def test_wrong_password_is_explained_in_chinese(page):
    page.goto("/login/")
    assert page.locator("button.primary").inner_text() == "登录"
    page.fill("#id_username", "office")
    page.fill("#id_password", "not-the-password")
    page.click("button.primary")
    assert "用户名或密码错误" in page.locator(".errors").inner_text()
    screenshot(page, "login-error")


def test_language_switch_round_trip(page):
    page.goto("/login/")
    screenshot(page, "login")
    page.click("[data-testid=lang-en]")
    assert page.locator("button.primary").inner_text() == "Log in"
    login(page, "office", DEMO_PASSWORD)
    assert page.locator("nav.mainnav a[data-nav=home]").inner_text() == "Dashboard"
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("[data-testid=lang-zh-hans]")
    assert page.locator("nav.mainnav a[data-nav=home]").inner_text() == "工作台"
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_map_draws_the_zone_without_internet(page):
    login(page, "leader", DEMO_PASSWORD)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/map/")
    page.wait_for_selector(".leaflet-container")
    assert page.locator("#map").get_attribute("data-features") == "17"  # zone + 4 areas + 12
    # Leaflet drew shapes (canvas renderer) and the layer switcher lists areas and blocks.
    assert page.locator("#map canvas").count() >= 1
    assert "功能片区" in page.locator(".leaflet-control-layers").inner_html()
    outside = [u for u in requests if not u.startswith(page.url.split("/map/")[0])]
    assert outside == []
    screenshot(page, "map")


def _me(page) -> dict:
    return json.loads(page.evaluate("fetch('/api/core/me').then(r => r.text())"))


def test_alert_from_raised_to_closed(page, site):
    site.python(
        "from zoneops.core.services.alerts import raise_alert;"
        "raise_alert(module='environment', key='browser-test', level=4,"
        " title='浏览器测试：边界站硫化氢超过报警值', detail='测试数据')")
    # The unit staff member who will handle it.
    login(page, "unit", DEMO_PASSWORD)
    unit_id = _me(page)["unit_id"]
    page.context.clear_cookies()

    login(page, "duty", DEMO_PASSWORD)
    page.goto("/alerts/?box=mine")
    page.click("text=浏览器测试：边界站硫化氢超过报警值")
    alert_url = page.url
    assert page.locator("[data-testid=alert-status]").inner_text() == "待确认"
    screenshot(page, "alert-raised")
    page.click("[data-testid=do-acknowledge]")
    assert page.locator("[data-testid=alert-status]").inner_text() == "已确认"
    # Assigning to nobody is refused with a reason.
    page.click("[data-testid=do-assign]")
    refusal = page.locator(".msg-error").first.inner_text()
    assert refusal == "请在单位、人员、企业中选择且仅选择一项。"
    # The searchable picker (issue 19): type part of the unit's name, pick it.
    name = page.locator(f"#id_unit option[value='{unit_id}']").inner_text()
    page.fill("[data-testid=assignee-search]", name[:3])
    page.click(f"[data-testid=assignee-options] li[data-value='unit:{unit_id}']")
    assert page.locator("#id_unit").input_value() == str(unit_id)
    page.fill("form.action:has([data-testid=do-assign]) textarea", "请立即核查周边企业")
    page.click("[data-testid=do-assign]")
    assert page.locator("[data-testid=alert-status]").inner_text() == "已交办"
    page.context.clear_cookies()

    login(page, "unit", DEMO_PASSWORD)
    assert page.locator("[data-testid=unread]").count() == 1
    page.goto(alert_url)
    page.fill("#id_feedback", "已排查，某企业储罐呼吸阀泄漏，已更换并复测正常")
    page.set_input_files("#id_files", files=[{"name": "复测记录.txt", "mimeType": "text/plain",
                                              "buffer": b"H2S 0.01 mg/m3"}])
    screenshot(page, "alert-handle")
    page.click("[data-testid=do-handle]")
    assert page.locator("[data-testid=alert-status]").inner_text() == "已处置"
    assert "复测记录.txt" in page.content()
    page.context.clear_cookies()

    login(page, "duty", DEMO_PASSWORD)
    page.goto(alert_url)
    page.click("[data-testid=do-close]")
    assert page.locator("[data-testid=alert-status]").inner_text() == "已办结"
    actions = page.eval_on_selector_all(".history .action", "els => els.map(e => e.dataset.action)")
    assert actions[:5] == ["close", "attach", "handle", "assign", "acknowledge"]
    assert "办结" in page.locator(".history").inner_text()
    screenshot(page, "alert-closed")


def test_no_page_breaks_the_content_security_policy(page):
    """Issue 17: the site-wide policy forbids inline script without the request's nonce; each
    main page must still work under it (no violation reported by the browser)."""
    login(page, "admin", DEMO_PASSWORD)
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto("/environment/")
    page.wait_for_selector("#station-rows a")
    station = page.locator("#station-rows a").first.get_attribute("href")
    for path in ["/", "/alerts/", "/map/", "/environment/", station, "/supervision/",
                 "/supervision/dashboard/", "/voting/", "/audit/", "/admin/", "/api/docs",
                 "/vote/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        counted = page.evaluate("""() => new Promise(done => {
            let n = 0;
            document.addEventListener('securitypolicyviolation', () => { n += 1; });
            setTimeout(() => done(n), 300); })""")
        assert counted == 0 and violations == [], (path, violations)
    page.goto("/environment/")
    assert page.locator("#map").get_attribute("data-stations") not in (None, "0")
