"""Issue 23: the owner unit's staff submit a period (报送), the office approves it from the
review list, and the value appears on the indicator's page."""

from __future__ import annotations

from datetime import date

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot


def _as(browser, site, username: str):
    context = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 860})
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, username, DEMO_PASSWORD)
    return page


def test_unit_submits_office_approves_value_appears(browser, site):
    out = site.python("from zoneops.indicators.models import Indicator;"
                      "print(Indicator.objects.get(code='GYZCZ').pk)")
    pk = int(out.strip().splitlines()[-1])
    year = date.today().year + 1  # a year the demo has no values for
    detail = f"/indicators/{pk}/?year={year}"

    staff = _as(browser, site, "unit")  # 陆晓峰 of U04, the indicator's owner unit
    staff.goto(detail)
    assert staff.locator("[data-testid=value-form]").count() == 0
    form = staff.locator("[data-testid=submit-form]")
    form.locator("#id_year").fill(str(year))
    form.locator("#id_month").fill("2")
    form.locator("#id_level").fill("163.25")
    form.locator("#id_official_rate_pct").fill("9.1")
    with staff.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "已报送" in staff.locator(".messages").inner_text()
    assert staff.locator("[data-testid=my-submissions] tr[data-status=submitted]").count() == 1
    assert "163.2500" not in staff.locator("[data-testid=values]").inner_text()
    screenshot(staff, "indicators-submitted")

    office = _as(browser, site, "office")
    office.goto("/indicators/")
    office.click("[data-testid=review-link]")
    row = office.locator("[data-testid=review-queue] tr[data-submission]",
                         has_text="规上工业总产值")
    assert row.count() == 1 and "163.2500" in row.inner_text()
    screenshot(office, "indicators-review")
    with office.expect_navigation():
        row.locator("[data-testid=approve]").click()
    assert "已审核通过" in office.locator(".messages").inner_text()
    assert office.locator("[data-testid=review-queue] tr[data-submission]").count() == 0

    staff.goto(detail)
    values = staff.locator("[data-testid=values] tr[data-month='2']")
    assert "163.2500" in values.inner_text() and "9.10%" in values.inner_text()
    assert staff.locator("[data-testid=my-submissions] tr[data-status=approved]").count() == 1
