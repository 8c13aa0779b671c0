"""Electronic bidding in the browser: the demo enterprise finds the open VOC lot from its
holdings, bids, and sees a rival's higher bid appear on the page without reloading."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot


def test_enterprise_bids_and_sees_the_live_price(page, site):
    login(page, "enterprise", DEMO_PASSWORD)
    page.click("nav >> text=排污权")
    page.click("[data-testid=market-link]")
    page.click("text=家具行业VOCs排污权（第二批）")
    live = page.locator("[data-testid=live]")
    assert live.locator("[data-field=leading]").inner_text() == "8000.00"
    assert live.locator("[data-field=low]").inner_text() == "8200.00"
    page.fill("#id_price", "8100")  # below the next acceptable price
    page.click("[data-testid=bid-form] button")
    assert "下一次出价须在 8200.00 元至 9000.00 元之间" in page.locator(".msg-error").inner_text()
    page.fill("#id_price", "8200")
    page.click("[data-testid=bid-form] button")
    assert "当前最高" in page.locator(".msg-success").inner_text()
    assert live.locator("[data-field=mine]").is_visible()
    screenshot(page, "rights-bidding")
    # A rival bids from elsewhere: the page shows it within a few seconds, without reloading.
    lot_id = re.search(r"/market/(\d+)/", page.url).group(1)
    site.python(
        "from zoneops.core.models import User; from zoneops.rights import services;"
        "from zoneops.rights.models import Lot;"
        f"services.place_bid(User.objects.get(username='rights_bidder'),"
        f" Lot.objects.get(pk={lot_id}), price='8400')")
    expect(live.locator("[data-field=leading]")).to_have_text("8400.00", timeout=8000)
    assert not live.locator("[data-field=mine]").is_visible()
    assert live.locator("[data-field=low]").inner_text() == "8600.00"


def test_certificate_downloaded_by_its_holder_and_checked_by_anyone(page, browser, site):
    login(page, "enterprise", DEMO_PASSWORD)
    page.click("nav >> text=排污权")
    page.click("[data-testid=certificates-link]")
    page.locator("[data-testid=certificates] tr:has([data-status=valid]) a").first.click()
    number = page.locator("[data-testid=certificate] td").first.inner_text()
    code = page.locator("[data-testid=code]").inner_text()
    assert re.fullmatch(r"PWQ-\d{4}-\d{6}(-R)?", number) and len(code) == 12
    with page.expect_download() as download:
        page.click("[data-testid=docx]")
    assert download.value.suggested_filename == f"{number}.docx"
    # Its measured discharge: 85 % of its COD holding, a warning (not yet an alert).
    page.click("nav >> text=排污权")
    page.click("[data-testid=discharge-link]")
    cod = page.locator("[data-testid=discharge] tr[data-pollutant=COD]")
    assert cod.get_attribute("data-level") == "warn"
    assert cod.locator("[data-field=share]").inner_text().startswith("85 %")
    assert "预警" in cod.inner_text()
    screenshot(page, "rights-discharge")
    # A stranger, not logged in: the public check, under the site's CSP, stores no session.
    stranger = browser.new_context(base_url=site.base_url, locale="zh-CN")
    public = stranger.new_page()
    problems: list[str] = []
    public.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    public.goto("/certificate/")
    public.fill("#number", number)
    public.fill("#code", code[:6] + " " + code[6:].lower())
    public.click("[data-testid=check-form] button")
    result = public.locator("[data-testid=result]")
    assert result.get_attribute("data-status") == "valid"
    assert "该凭证真实有效" in result.inner_text() and code not in public.content()
    screenshot(public, "rights-certificate-check")
    public.fill("#number", number)
    public.fill("#code", "2" * 12)
    public.click("[data-testid=check-form] button")
    assert result.get_attribute("data-status") == "unknown"
    assert "sessionid" not in {c["name"] for c in stranger.cookies()}
    assert problems == []
    stranger.close()


def test_transfer_request_confirmed_by_the_buyer_and_approved_by_the_office(page, site):
    """The demo's pending transfer: the demo enterprise confirms it, the office approves it,
    and the rights move in the ledger."""
    login(page, "enterprise", DEMO_PASSWORD)
    page.click("nav >> text=排污权")
    page.click("[data-testid=requests-link]")
    assert "待受让方确认" in page.locator("[data-testid=requests]").inner_text()
    page.locator("[data-testid=requests] a").first.click()
    page.click("[data-testid=confirm]")
    assert "等待管理办公室审批" in page.locator(".msg-success").inner_text()
    assert page.locator("[data-testid=status]").inner_text() == "待管理办公室审批"
    url = page.url
    page.context.clear_cookies()
    login(page, "office", DEMO_PASSWORD)
    page.goto(url)
    page.fill("[data-testid=approve] textarea", "园区管委会批复（演示）")
    page.click("[data-testid=approve-button]")
    assert "已记入台账" in page.locator(".msg-success").inner_text()
    assert page.locator("[data-testid=status]").inner_text() == "已批准"
    screenshot(page, "rights-transfer-request")
    page.click("[data-testid=request] a[href='/rights/ledger/']")
    assert "园区管委会批复（演示）" in page.locator("[data-testid=ledger]").inner_text()


def test_office_records_a_sale_from_the_reserve(page, site):
    login(page, "office", DEMO_PASSWORD)
    page.click("nav >> text=排污权")
    page.click("[data-testid=record-link]")
    page.click("[data-testid=op-sale]")
    page.select_option("#id_pollutant", "SO2")
    page.select_option("#id_enterprise", index=1)
    page.fill("#id_quantity", "1000")  # far over the demo cap
    page.fill("#id_valid_from", "2026-06-01")
    page.fill("#id_legal_basis", "挂牌出让公告（演示）")
    page.select_option("#id_sale_form", "listing")
    page.fill("#id_price", "9000")
    page.click("button.primary")
    assert "总量" in page.locator(".field.has-error .field-error").inner_text()
    page.fill("#id_quantity", "1.5")
    page.click("button.primary")
    assert "已登记" in page.locator(".msg-success").inner_text()
    assert "挂牌出让公告（演示）" in page.locator("[data-testid=ledger]").inner_text()
