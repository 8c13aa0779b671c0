"""The leader's screen at 1920×1080: every card (with the rank among peer zones once a peer
sheet is imported), four trend charts, the operations panel and the open alerts in three
columns on one screen, nothing to scroll or cut off, nothing loaded from outside."""

from __future__ import annotations

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot


def _import_peers(site, tmp_path) -> None:
    """A peer sheet for the latest period of 规上工业总产值 in the year the screen shows (this
    year in Beijing time: another browser test may have added a value for next year)."""
    from openpyxl import Workbook

    out = site.python(
        "from django.utils import timezone; from zoneops.indicators.models import Value; "
        "v = Value.objects.filter(indicator__code='GYZCZ', official_rate_pct__isnull=False, "
        "year=timezone.localdate().year)"
        ".order_by('-year', '-month').first(); print('PERIOD', v.year, v.month)")
    _, year, month = next(line for line in out.splitlines() if line.startswith("PERIOD")).split()
    book = Workbook()
    book.active.title = "对标"
    book.active.append(["园区名称", "指标名称", "年份", "月份", "累计值", "同比±%"])
    for peer, rate in (("甲经开区", 99.0), ("乙高新区", -50.0)):
        book.active.append([peer, "规上工业总产值", int(year), int(month), 800, rate])
    path = tmp_path / "peers.xlsx"
    book.save(path)
    site.zoneops("indicators", "import-peers", str(path), "--as", "office")


def test_leader_screen_fits_1920_by_1080(browser, site, tmp_path):
    _import_peers(site, tmp_path)
    context = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    outside = []
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
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
    # The operations panel: the middle of three lower columns, whole, nothing cut off.
    ops = page.locator("[data-testid=operations]")
    assert ops.is_visible() and ops.locator("h2").inner_text() == "安全与运行"
    assert page.locator("[data-testid=ops-lights] tr").count() >= 1
    boxes = page.evaluate("[...document.querySelector('.ind-lower').children]"
                          ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect())"
                          ".map(r => [r.left, r.top, r.right, r.bottom])")
    assert len(boxes) == 3, boxes
    assert boxes[0][2] <= boxes[1][0] and boxes[1][2] <= boxes[2][0]  # side by side
    assert all(box[3] <= 1080 and box[2] <= 1920 for box in boxes), boxes
    clipped = page.evaluate("[...document.querySelectorAll('.ind-ops, .ind-card')]"
                            ".filter(e => e.scrollHeight > e.clientHeight + 1"
                            " || e.scrollWidth > e.clientWidth + 1).map(e => e.className)")
    assert clipped == []
    assert page.locator(".ind-card[data-code=GYZCZ] [data-testid=peer-rank]").inner_text() \
        == "对标排名 2/3"
    # The park map: the zone's outlines drawn offline, open alerts with a place on it.
    park_map = page.locator("[data-testid=park-map]")
    assert park_map.is_visible()
    assert int(park_map.get_attribute("data-features")) > 0
    assert int(park_map.get_attribute("data-alerts")) == page.evaluate(
        "JSON.parse(document.getElementById('alert-points').textContent).length")
    assert page.locator("[data-testid=park-map] path.leaflet-interactive, "
                        "[data-testid=park-map] canvas").count() > 0
    map_box = park_map.bounding_box()
    assert map_box["y"] + map_box["height"] <= 1080 and map_box["height"] > 200
    assert outside == [] and errors == []
    screenshot(page, "indicators-screen")
    context.close()
