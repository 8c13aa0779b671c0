"""Public voting in the browser: a resident verifies and votes on a phone, a second attempt is
refused, officers enter and check paper ballots, and the administrator closes, counts,
publishes, confirms and hands the winners over. axe-core checks the residents' pages
(WCAG 2.1 A/AA rules; no serious or critical violation allowed).

The tests run in file order against the session's demo site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zoneops.core.demo import DEMO_PASSWORD

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PHONE = {"width": 390, "height": 844}

# Demo residents as the server's database knows them: campaign id, 3 who may vote online,
# and 2 of 澄北街道 (the demo officers' sub-district) who have not voted yet.
FACTS = """
import json
from zoneops.voting import demo
from zoneops.voting.models import Campaign, Participation
c = Campaign.objects.get(title=demo.TITLE)
voted = set(Participation.objects.filter(campaign=c).values_list('roll_entry__name', flat=True))
creds = [x for x in demo.voter_credentials(c) if x[2] not in voted]
north = dict(c.roll.filter(community__unit__code='U20').values_list('name', 'community__name'))
print(json.dumps({'campaign': c.pk, 'online': creds[:3],
                  'paper': [[*x, north[x[2]]] for x in creds[3:] if x[2] in north][:2]}))
"""


@pytest.fixture(scope="module")
def facts(site):
    return json.loads(site.python(FACTS).strip().splitlines()[-1])


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(base_url=site.base_url, viewport=PHONE, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", is_mobile=True, has_touch=True,
                                  user_agent="Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0")
    context.set_default_timeout(10_000)
    yield context
    context.close()


def assert_accessible(page) -> None:
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy (rightly)
    # refuses an inline <script> tag without its nonce.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{page.url}: {bad}"


def _verify(page, campaign: int, id_number: str, code: str) -> None:
    page.goto(f"/vote/{campaign}/verify/")
    page.fill("#id_id_number", id_number)
    page.fill("#id_code", code)
    page.click("[data-testid=verify-submit]")


def test_resident_verifies_and_votes_on_a_phone(phone, facts):
    page = phone.new_page()
    campaign = facts["campaign"]
    page.goto(f"/vote/{campaign}/")
    assert page.locator(".cand").count() == 50
    assert_accessible(page)
    screenshot(page, "voting-campaign-phone")
    # A project's own page places it on the zone's outline, drawn with no internet.
    page.goto(f"/vote/{campaign}/projects/1/")
    page.wait_for_selector("[data-testid=project-map][data-ready='1'] .leaflet-interactive")
    assert_accessible(page)
    screenshot(page, "voting-project-phone")
    page.goto(f"/vote/{campaign}/")
    page.click("[data-testid=start-vote]")
    page.wait_for_url(f"**/vote/{campaign}/verify/")
    assert_accessible(page)
    id_number, code, _name = facts["online"][0]
    # A wrong code is refused with an explanation, not a crash.
    _verify(page, campaign, id_number, "ABCDE-FGHJK")
    error = page.locator("[data-testid=verify-error]")
    assert error.is_visible()
    # Plain Chinese, never a raw form key (issue 19); the voting period is on the page.
    assert "__all__" not in error.inner_text() and "名册" in error.inner_text()
    assert page.locator("[data-testid=voting-period]").is_visible()
    screenshot(page, "voting-verify-error")
    _verify(page, campaign, id_number, code)
    page.wait_for_url(f"**/vote/{campaign}/ballot/")
    assert_accessible(page)
    boxes = page.locator("input[name=choice]")
    # The live count follows the choices, and the road cap (2) disables a third road.
    roads = page.locator("label.choice[data-category='道路'] input")
    roads.nth(0).check()
    roads.nth(1).check()
    assert page.locator("[data-testid=count]").inner_text() == "2"
    assert roads.nth(2).is_disabled()
    page.locator("label.choice[data-category='公园设施'] input").nth(0).check()
    assert page.locator("[data-testid=count]").inner_text() == "3"
    assert boxes.count() == 50
    screenshot(page, "voting-ballot-phone")
    page.click("[data-testid=cast]")
    # A confirm step: the three choices shown, nothing cast until the voter confirms.
    page.wait_for_selector("[data-testid=confirm-form]")
    assert page.locator("[data-testid=confirm-chosen] li").count() == 3
    assert page.locator("[data-testid=voting-period]").is_visible()
    assert_accessible(page)
    screenshot(page, "voting-confirm-phone")
    page.click("[data-testid=confirm-back]")  # back to change: the choices are kept
    page.wait_for_selector("[data-testid=ballot-form]")
    assert page.locator("input[name=choice]:checked").count() == 3
    page.click("[data-testid=cast]")
    page.click("[data-testid=confirm-cast]")
    receipt = page.locator("[data-testid=receipt]")
    assert len(receipt.get_attribute("data-receipt")) == 16
    assert page.locator("[data-testid=chosen] li").count() == 3
    assert_accessible(page)
    screenshot(page, "voting-done-phone")


def test_a_second_attempt_is_refused(phone, facts):
    page = phone.new_page()
    id_number, code, _name = facts["online"][0]
    _verify(page, facts["campaign"], id_number, code)
    page.wait_for_url("**/ballot/")
    notice = page.locator("[data-testid=already-voted]")
    assert notice.is_visible()
    assert page.locator("[data-testid=ballot-form]").count() == 0
    assert_accessible(page)
    screenshot(page, "voting-already-voted")


def test_officers_enter_paper_ballots_and_a_second_officer_checks(browser, site, facts):
    campaign = facts["campaign"]
    first = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                viewport={"width": 1280, "height": 900}).new_page()
    login(first, "cb1", DEMO_PASSWORD)
    first.goto(f"/voting/{campaign}/paper/")
    for id_number, _code, _name, _community in facts["paper"]:
        first.fill("#id_id_number", id_number)
        first.click("[data-testid=paper-voter-form] button")
        first.wait_for_selector(".messages li.msg-success")
    # The one who marked a paper voter cannot confirm the mark; a second officer does (#17).
    assert first.locator("[data-testid=mark-confirm]").count() == 0
    confirmer = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                    viewport={"width": 1280, "height": 900}).new_page()
    login(confirmer, "cb2", DEMO_PASSWORD)
    confirmer.goto(f"/voting/{campaign}/paper/")
    for _ in facts["paper"]:
        with confirmer.expect_navigation():
            confirmer.locator("[data-testid=mark-confirm]").first.click()
        assert confirmer.locator(".messages li.msg-success").count() == 1
    assert confirmer.locator("[data-testid=mark-confirm]").count() == 0
    first.goto(f"/voting/{campaign}/paper/")
    for n, (_id_number, _code, _name, community) in enumerate(facts["paper"]):
        first.select_option("#paper-community", label=community)
        first.fill("#paper-serial", f"BT-{n}")
        first.locator("[data-testid=paper-enter-form] input[name=choice]").nth(n).check()
        first.click("[data-testid=paper-enter-form] button")
        first.wait_for_selector(f"[data-testid=paper-pending] tr[data-serial='BT-{n}']")
    # Whoever typed a ballot in cannot check it.
    assert first.locator("tr[data-serial='BT-0'] [data-testid=paper-accept]").count() == 0
    screenshot(first, "voting-paper-entry")
    second = browser.new_context(base_url=site.base_url, locale="zh-CN",
                                 viewport={"width": 1280, "height": 900}).new_page()
    login(second, "cb2", DEMO_PASSWORD)
    second.goto(f"/voting/{campaign}/paper/")
    while second.locator("[data-testid=paper-accept]").count():
        second.locator("[data-testid=paper-accept]").first.click()
        second.wait_for_selector(".messages li.msg-success")
    assert second.locator("[data-testid=paper-done] tr[data-status=valid]").count() >= 2
    screenshot(second, "voting-paper-check")


def test_administrator_closes_confirms_and_hands_over(page, phone, facts):
    campaign = facts["campaign"]
    login(page, "admin", DEMO_PASSWORD)
    page.goto(f"/voting/{campaign}/")
    for action in ("close", "count", "publish"):
        page.click(f"[data-testid=act-{action}]")
        page.wait_for_selector(".messages li.msg-success")
    assert page.locator("[data-testid=phase]").get_attribute("data-phase") == "results"
    screenshot(page, "voting-results-staff")
    page.click("[data-testid=act-confirm]")
    page.wait_for_selector("[data-testid=phase][data-phase=confirmed]")
    page.click("[data-testid=act-hand-over]")
    page.wait_for_selector("[data-testid=hand-overs]")
    assert page.locator("[data-testid=hand-overs] tbody tr[data-status=created]").count() == 10
    screenshot(page, "voting-hand-over")
    # Each winner is now a supervised item with its milestones, one click away.
    winner = page.locator("[data-testid=hand-overs] tbody tr").first
    title = winner.locator("td").first.inner_text().strip()
    winner.locator("a").click()
    page.wait_for_url("**/supervision/items/*/")
    assert title.split(" ", 1)[-1] in page.locator("h1").inner_text()
    assert "完工并组织验收" in page.content()
    screenshot(page, "voting-supervised-item")
    # What a resident (not logged in) sees on their phone.
    resident = phone.new_page()
    resident.goto(f"/vote/{campaign}/results/")
    assert resident.locator("[data-testid=public-results] tbody tr").count() == 50
    assert_accessible(resident)
    screenshot(resident, "voting-results-public")
