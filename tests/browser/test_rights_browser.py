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
