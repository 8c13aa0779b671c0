"""The duty officer's live watch in a real browser: a real gateway process takes an upload
that crosses a tier, the open page updates without reload (Server-Sent Events) with a visible
new-alarm cue, and the officer acknowledges the alarm from the alerts page."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from zoneops.core.demo import DEMO_PASSWORD
from zoneops.environment.convert import BEIJING
from zoneops.hj212 import Reframer
from zoneops.hj212.simulator import realtime_upload

from .conftest import free_port, login, screenshot

pytestmark = pytest.mark.browser

MN = "CWHG-B03"  # a park boundary station of the demo
STATION = """
import json
from zoneops.environment.models import Station
s = Station.objects.get(mn=__MN__)
print(json.dumps({"id": s.pk, "mn": s.mn, "pw": s.password, "name": s.name}))
""".replace("__MN__", repr(MN))


@pytest.fixture
def gateway(site):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "zoneops.cli", "gateway", "--host", "127.0.0.1", "--port",
         str(port), "--silence-interval", "0"], env=site.env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("gateway did not start: "
                                   + proc.stderr.read().decode(errors="replace")) from None
            time.sleep(0.1)
    yield port
    proc.terminate()
    proc.wait(10)


def send(port: int, station: dict, values: dict[str, float], when: datetime) -> None:
    """One A=1 real-time upload through the gateway; returns after its 9014 (data committed)."""
    data = realtime_upload(mn=station["mn"], pw=station["pw"], data_time=when, values=values)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        reframer = Reframer()
        while True:
            chunk = sock.recv(4096)
            assert chunk, "gateway closed the connection before answering"
            answers = [f.packet for f in reframer.feed(chunk) if f.ok]
            if answers:
                assert answers[0].cn == "9014", answers[0].cn
                return


def send_segment(port: int, station: dict, cp: str, when: datetime) -> None:
    """One upload whose data area is sent exactly as given (a logger's own quirks)."""
    from zoneops.hj212.codec import build_frame

    local = when.strftime("%Y%m%d%H%M%S")
    data = build_frame(f"QN={local}000;ST=22;CN=2011;PW={station['pw']};MN={station['mn']};"
                       f"Flag=5;CP=&&DataTime={local};{cp}&&")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        reframer = Reframer()
        while True:
            chunk = sock.recv(4096)
            assert chunk, "gateway closed the connection before answering"
            answers = [f.packet for f in reframer.feed(chunk) if f.ok]
            if answers:
                assert answers[0].cn == "9014", answers[0].cn
                return


def test_live_watch_updates_without_reload_and_alarm_is_acknowledged(page, site, gateway):
    station = json.loads(site.python(STATION).splitlines()[-1])
    now = datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)
    normal = {"a21028": 0.002, "a24088": 0.4}
    send(gateway, station, normal, now - timedelta(minutes=2))

    login(page, "duty", DEMO_PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/environment/")
    page.wait_for_selector("#station-rows tr")
    row = f"#station-rows tr[data-mn='{MN}']"
    assert page.locator(row).get_attribute("data-level") == "0"
    before = int(page.locator("#alarm-count").inner_text())
    assert page.locator(f"#alarm-list li:has-text('{station['name']}')").count() == 0
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # H2S above the highest tier of the fence-line rule (GB 14554-93), in two readings in a
    # row (the shipped rule's persistence).
    send(gateway, station, {**normal, "a21028": 0.08}, now - timedelta(minutes=1))
    send(gateway, station, {**normal, "a21028": 0.08}, now)

    page.wait_for_selector(f"{row}:not([data-level='0'])", timeout=15_000)
    level = page.locator(row).get_attribute("data-level")
    assert int(level) >= 2
    assert page.locator(f".station-marker.st-{MN}.level-{level}").count() == 1
    # The crossing raised the level alarm (and, as steep as it was, a rate-of-change one).
    mine = page.locator(f"#alarm-list li:has-text('{station['name']}')")
    mine.first.wait_for()
    ids = mine.evaluate_all("els => els.map(e => e.dataset.alertId)")
    item = page.locator(f"#alarm-list li:has-text('{station['name']}')[data-level='{level}']")
    alert_id = item.get_attribute("data-alert-id")
    assert int(page.locator("#alarm-count").inner_text()) == before + len(ids)
    banner = page.locator("#new-alarm")
    assert banner.get_attribute("data-alert-id") in ids
    assert "show" in banner.get_attribute("class")
    assert station["name"] in banner.inner_text()
    assert page.evaluate("window.__sameDocument") is True
    assert errors == []
    assert int(page.locator("#live").get_attribute("data-updates")) >= 1
    screenshot(page, "environment-live")

    # An older upload with a normalised value and a vendor flag, one empty value and a code
    # the tables do not know: kept, flagged and counted, and shown on the station page.
    send_segment(gateway, station, "a21028-Rtd=0.002,a21028-ZsRtd=0.0025,a21028-EFlag=E07;"
                 "a24088-Rtd=,a24088-Flag=D;x99999-Rtd=1", now - timedelta(minutes=3))

    # The station page: its state, charts, what came with the readings, and the alarm.
    page.goto(f"/environment/stations/{station['id']}/")
    assert station["name"] in page.locator("[data-testid=station-name]").inner_text()
    assert page.locator("[data-testid=packets]").inner_text() == "4"
    assert page.locator("[data-testid=readings-stored]").inner_text() == "8"
    details = page.locator("[data-testid=reading-details]").inner_text()
    assert "E07" in details and "0.0025" in details and "a24088-Rtd: empty" in details
    assert "1" in page.locator("[data-testid=value-reject-unknown_factor]").inner_text()
    assert page.locator("[data-testid=value-reject-bad_value]").count() == 1
    page.wait_for_selector("#charts[data-loaded]")
    assert page.locator(f"a[href='/alerts/{alert_id}/']").count() >= 1
    screenshot(page, "environment-station")

    # From the alerts page, the officer acknowledges the alarm.
    page.goto("/alerts/")
    page.click(f"a[href='/alerts/{alert_id}/']")
    assert page.locator("[data-testid=alert-status]").inner_text() == "待确认"
    assert station["name"] in page.content()
    page.click("[data-testid=do-acknowledge]")
    assert page.locator("[data-testid=alert-status]").inner_text() == "已确认"
    screenshot(page, "environment-alarm")


# --- issue 19 ------------------------------------------------------------------------------

ALERT_OF = """
import json
from zoneops.core.models import Alert
a = Alert.objects.get(key=__KEY__)
print(json.dumps({"id": a.pk, "station_id": a.data.get("station_id"),
                  "enterprise": a.enterprise.name if a.enterprise else ""}))
"""


def alert_of(site, key: str) -> dict:
    return json.loads(site.python(ALERT_OF.replace("__KEY__", repr(key))).splitlines()[-1])


def test_enterprise_contact_map_fits_its_own_station(page, site):
    """The demo enterprise contact's 嗅警在线: its one fence-line monitor on a map at a sane zoom
    (it was blank grey: zoomed to infinity, zero-size shapes), the alarm at it listed."""
    login(page, "enterprise", DEMO_PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/environment/")
    page.wait_for_selector("#station-rows tr")
    zoom = float(page.locator("#map").get_attribute("data-zoom"))
    assert 10 <= zoom <= 18
    rows = page.locator("#station-rows tr")
    assert rows.count() >= 1
    mn = rows.first.get_attribute("data-mn")
    marker = page.locator(f".station-marker.st-{mn}")
    box = marker.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    map_box = page.locator("#map").bounding_box()
    assert map_box["x"] < box["x"] < map_box["x"] + map_box["width"]
    # The areas of the zone are drawn at a real size, not as points.
    areas = page.locator("#map path.leaflet-interactive").evaluate_all(
        "els => els.map(e => e.getBBox().width)")
    assert areas and max(areas) > 50
    # The seeded alarm at its own fence-line monitor, not assigned to it, is listed and opens.
    nmhc = alert_of(site, "demo:nmhc:fence")
    item = page.locator(f"#alarm-list li[data-alert-id='{nmhc['id']}']")
    assert item.count() == 1
    # Leaflet's controls speak Chinese.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "放大"
    screenshot(page, "environment-enterprise-map")
    item.locator("a").click()
    page.wait_for_selector("[data-testid=air-alarm]")
    assert page.locator("[data-testid=station-link]").count() == 1
    assert errors == []


def test_air_alarm_page_chart_wind_picker_and_bulk_acknowledge(page, site):
    h2s = alert_of(site, "demo:h2s:station3")
    nmhc = alert_of(site, "demo:nmhc:fence")
    login(page, "duty", DEMO_PASSWORD)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The alarm page: the station linked, a chart with the tier lines, the wind arrow.
    page.goto(f"/alerts/{h2s['id']}/")
    page.wait_for_selector("#alarm-charts[data-ready]")
    link = page.locator("[data-testid=station-link]")
    assert link.get_attribute("href") == f"/environment/stations/{h2s['station_id']}/"
    chart = page.locator("[data-testid=alarm-chart-a21028]")
    assert int(chart.get_attribute("data-limits")) >= 1
    assert int(chart.get_attribute("data-points")) >= 10
    assert chart.locator("canvas").count() == 1
    # Wind from the south-west (225°): the arrow points north-east.
    arrow = page.locator("[data-testid=wind-arrow]")
    assert arrow.get_attribute("transform") == "rotate(45)"
    assert "西南风" in page.locator("[data-testid=wind]").inner_text()
    screenshot(page, "environment-alarm-page")

    # The assignee picker: one search box, the alarm's enterprise proposed first.
    page.goto(f"/alerts/{nmhc['id']}/")
    picker = page.locator("[data-testid=assignee-picker]")
    if picker.count():  # assigned already in the demo: the picker shows while re-assignable
        assert picker.is_visible()
        assert not page.locator(".picker-fallback").is_visible()
        options = page.locator("[data-testid=assignee-options] li")
        assert nmhc["enterprise"] in options.first.inner_text()
        page.fill("[data-testid=assignee-search]", "应急")
        assert all("应急" in t for t in options.all_inner_texts())
        options.first.click()
        chosen = page.locator("[data-testid=assignee-chosen]").inner_text()
        assert "应急" in chosen
        assert page.locator("select[name=unit]").input_value() != ""
        assert page.locator("select[name=enterprise]").input_value() == ""
        page.click("[data-testid=do-assign]")
        assert page.locator("[data-testid=alert-status]").inner_text() == "已交办"
        assert "应急" in page.locator("dl.facts").inner_text()

    # Bulk acknowledge from the list, the air alarms apart from supervision.
    page.goto("/alerts/?box=open&module=environment")
    assert page.locator("[data-testid=module-tabs] a[aria-current=page]").inner_text() == \
        "环境监测预警"
    page.check(f"[data-testid=tick-{h2s['id']}]")
    page.click("[data-testid=bulk-acknowledge]")
    page.wait_for_selector(".messages, .message, [role=status]", timeout=5000)
    page.goto(f"/alerts/{h2s['id']}/")
    assert page.locator("[data-testid=alert-status]").inner_text() == "已确认"
    assert errors == []
