"""Every staff page and the residents' site over HTTP: the permission matrix (allowed, denied,
scoped) and what a resident and an officer do."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.matrix import MANAGERS, READ_ALL, Matrix, Row, ids
from zoneops.voting import services
from zoneops.voting.models import (
    Ballot,
    Campaign,
    HandOver,
    PaperVoterRequest,
    Participation,
)

from .conftest import id_number

ROLES = ["admin", "office", "leader", "duty", "staff_a", "enterprise_a", "officer",
         "far_officer", None]
READERS = READ_ALL | {"officer", "far_officer"}
PAPER = {"admin", "officer", "far_officer"}

PAGES = [
    Row("/voting/", READERS),
    Row("/voting/{c}/", READERS),
    Row("/voting/new/", MANAGERS),
    Row("/voting/{c}/edit/", MANAGERS),
    Row("/voting/{c}/categories/new/", MANAGERS),
    Row("/voting/{c}/candidates/new/", MANAGERS),
    Row("/voting/{c}/candidates/{cand}/", MANAGERS),
    Row("/voting/{c}/roll/", MANAGERS),
    Row("/voting/{c}/ballots.xlsx", MANAGERS),
    Row("/voting/{c}/paper/", PAPER),
]


def _matrix(vw, **kw) -> Matrix:
    fill = lambda url: url.format(c=vw.campaign.pk, cand=vw.candidates[0].pk)  # noqa: E731
    return Matrix(ROLES, vw.client, fill=fill, **kw)


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_staff_page_matrix(vw, row):
    _matrix(vw, anonymous=302).check(row)


POSTS = [Row("/voting/{c}/phase/publish-candidates/", MANAGERS, method="POST", ok=None),
         Row("/voting/{c}/roll/codes/", MANAGERS, method="POST", ok=None),
         Row("/voting/{c}/hand-over/", MANAGERS, method="POST", ok=None),
         Row("/voting/{c}/confirm/", MANAGERS, method="POST", ok=None)]


PAPER_POSTS = [Row("/voting/{c}/paper/voter/", PAPER | {"officer2"}, method="POST", ok=None),
               Row("/voting/{c}/paper/voter/{mark}/", {"admin", "officer2"}, method="POST",
                   others={"officer": 302, "far_officer": 404, "office": 403, "leader": 403,
                           "duty": 403, "staff_a": 403, "enterprise_a": 403}, ok=None)]


@pytest.mark.parametrize("row", PAPER_POSTS, ids=ids(PAPER_POSTS))
def test_paper_voter_post_matrix(vw, row):
    """Marking and confirming paper voters: officers of the community's sub-district only
    (another sub-district's mark is not there for them); the marking officer's own
    confirmation is refused by the service (a message, nothing written)."""
    vw.open_voting()
    mark = services.register_paper_voter(vw.officer, vw.campaign, id_number=id_number(4))
    fill = lambda url: url.format(c=vw.campaign.pk, mark=mark.pk)  # noqa: E731
    Matrix([*ROLES, "officer2"], vw.client, fill=fill, anonymous=302).check(row)
    assert not Participation.objects.exists()  # no refused role confirmed anything


@pytest.mark.parametrize("row", POSTS, ids=ids(POSTS))
def test_staff_post_matrix(vw, row):
    _matrix(vw, anonymous=302).check(row)
    Campaign.objects.filter(pk=vw.campaign.pk).update(phase="proposals")
    assert vw.client("office").post(row.url.format(c=vw.campaign.pk)).status_code in (200, 302)


def test_public_pages_need_no_login_and_hide_the_proposal_stage(vw):
    anonymous = Client()
    c = vw.campaign.pk
    assert anonymous.get(f"/vote/{c}/").status_code == 404  # still collecting proposals
    services.advance_phase(vw.users["admin"], vw.campaign, to=Campaign.Phase.CANDIDATES)
    for url in ("/vote/", f"/vote/{c}/", f"/vote/{c}/projects/1/", f"/vote/{c}/verify/"):
        assert anonymous.get(url).status_code == 200, url
    assert anonymous.get(f"/vote/{c}/results/").status_code == 404  # hidden until closed
    assert anonymous.get(f"/vote/{c}/ballot/")["Location"] == f"/vote/{c}/verify/"


def _verify(client, vw, n):
    code = vw.codes[id_number(n)]
    return client.post(f"/vote/{vw.campaign.pk}/verify/",
                       {"id_number": id_number(n), "code": f"{code[:5]}-{code[5:]}"})


def test_resident_votes_once(vw):
    vw.open_voting()
    c = vw.campaign.pk
    resident = Client()
    page = resident.get(f"/vote/{c}/").content.decode()
    assert page.count('class="cand"') == 4
    bad = resident.post(f"/vote/{c}/verify/", {"id_number": id_number(1), "code": "AAAAA-AAAAA"})
    assert 'data-testid="verify-error"' in bad.content.decode()
    assert _verify(resident, vw, 1)["Location"] == f"/vote/{c}/ballot/"
    ballot_page = resident.get(f"/vote/{c}/ballot/").content.decode()
    assert 'data-testid="ballot-form"' in ballot_page
    too_many = resident.post(f"/vote/{c}/ballot/", {"choice": [vw.candidates[0].pk,
                                                               vw.candidates[1].pk]})
    assert 'data-testid="ballot-error"' in too_many.content.decode()
    picks = {"choice": [vw.candidates[0].pk, vw.candidates[2].pk]}
    # A confirm step first: the choices shown, nothing cast yet; "back" keeps them ticked.
    check = resident.post(f"/vote/{c}/ballot/", picks).content.decode()
    assert 'data-testid="confirm-form"' in check and vw.candidates[2].title in check
    assert not Ballot.objects.exists()
    back = resident.post(f"/vote/{c}/ballot/", {**picks, "back": "1"}).content.decode()
    assert 'data-testid="ballot-form"' in back
    assert back.count(" checked>") == 2 and not Ballot.objects.exists()
    done = resident.post(f"/vote/{c}/ballot/", {**picks, "confirm": "1"})
    text = done.content.decode()
    receipt = Ballot.objects.get().receipt
    assert f'data-receipt="{receipt}"' in text
    # The session knows who was verified, never the receipt or the choices.
    session = resident.session
    assert receipt not in str(dict(session.items()))
    again = resident.post(f"/vote/{c}/ballot/", {"choice": [vw.candidates[3].pk],
                                                 "confirm": "1"})
    assert again.status_code == 409 and 'data-testid="already-voted"' in again.content.decode()
    # A second verification from another phone is refused the same way.
    other = Client()
    _verify(other, vw, 1)
    assert 'data-testid="already-voted"' in other.get(f"/vote/{c}/ballot/").content.decode()
    assert Ballot.objects.count() == 1


def test_candidate_order_is_random_per_voter_but_stable(vw):
    vw.open_voting()
    c = vw.campaign.pk

    def order(client):
        html = client.get(f"/vote/{c}/").content.decode()
        return [part.split('"')[0] for part in html.split('class="cand" data-number="')[1:]]
    orders = set()
    for _ in range(12):
        client = Client()
        first = order(client)
        assert order(client) == first
        orders.add(tuple(first))
    assert len(orders) > 1


def test_withdraw_and_recast_in_the_browser_flow(vw):
    services.update_campaign(vw.users["admin"], vw.campaign, {"allow_recast": True})
    vw.open_voting()
    c = vw.campaign.pk
    resident = Client()
    _verify(resident, vw, 1)
    resident.post(f"/vote/{c}/ballot/", {"choice": [vw.candidates[0].pk], "confirm": "1"})
    receipt = Ballot.objects.get().receipt
    wrong = resident.post(f"/vote/{c}/withdraw/", {"receipt": "X" * 16})
    assert wrong.status_code == 400
    ok = resident.post(f"/vote/{c}/withdraw/", {"receipt": receipt.lower()})
    assert 'data-testid="withdrawn"' in ok.content.decode()
    resident.post(f"/vote/{c}/ballot/", {"choice": [vw.candidates[2].pk], "confirm": "1"})
    assert Ballot.objects.filter(status="valid").count() == 1
    assert Ballot.objects.filter(status="withdrawn").count() == 1


def test_officers_enter_and_check_paper_ballots(vw):
    vw.open_voting()
    c = vw.campaign.pk
    officer, officer2 = vw.client("officer"), vw.client("officer2")
    officer.post(f"/voting/{c}/paper/voter/", {"id_number": id_number(4)})
    assert Participation.objects.filter(channel="paper").count() == 0  # not confirmed yet
    mark = PaperVoterRequest.objects.get()
    assert 'data-testid="mark-confirm"' not in officer.get(f"/voting/{c}/paper/").content.decode()
    assert 'data-testid="mark-confirm"' in officer2.get(f"/voting/{c}/paper/").content.decode()
    officer.post(f"/voting/{c}/paper/voter/{mark.pk}/", {"accept": "1"})  # refused: same one
    assert Participation.objects.filter(channel="paper").count() == 0
    officer2.post(f"/voting/{c}/paper/voter/{mark.pk}/", {"accept": "1"})
    assert Participation.objects.filter(channel="paper").count() == 1
    far = vw.client("far_officer").post(f"/voting/{c}/paper/voter/",
                                        {"id_number": id_number(5)})
    assert far.status_code == 403
    officer.post(f"/voting/{c}/paper/enter/", {"community": vw.south.pk, "paper_serial": "N1",
                                               "choice": [vw.candidates[2].pk]})
    ballot = Ballot.objects.get(channel="paper")
    page = officer.get(f"/voting/{c}/paper/").content.decode()
    assert 'data-testid="paper-accept"' not in page  # not for the one who entered it
    assert vw.client("far_officer").get(f"/voting/{c}/paper/").content.decode().count(
        'data-serial="N1"') == 0  # another sub-district does not see it
    officer2.post(f"/voting/{c}/paper/{ballot.pk}/check/", {"accept": "1"})
    ballot.refresh_from_db()
    assert ballot.status == "valid" and ballot.checked_by == vw.officer2


def test_admin_closes_counts_publishes_confirms_and_hands_over(vw):
    vw.open_voting()
    c = vw.campaign.pk
    resident = Client()
    _verify(resident, vw, 1)
    resident.post(f"/vote/{c}/ballot/", {"choice": [vw.candidates[2].pk], "confirm": "1"})
    admin = vw.client("admin")
    for action in ("close", "count"):
        admin.post(f"/voting/{c}/phase/{action}/")
    assert Client().get(f"/vote/{c}/results/").status_code == 404  # counted, not published
    admin.post(f"/voting/{c}/phase/publish/")
    public = Client().get(f"/vote/{c}/results/").content.decode()
    assert "口袋公园座椅" in public and 'data-testid="turnout-total"' in public
    override = admin.post(f"/voting/{c}/confirm/", {"winner": [vw.candidates[3].pk]},
                          follow=True).content.decode()
    assert "give the reason" in override
    admin.post(f"/voting/{c}/confirm/", {"winner": [vw.candidates[2].pk]})
    admin.post(f"/voting/{c}/hand-over/", {"target": "攻坚克难"})
    assert HandOver.objects.get().candidate == vw.candidates[2]
    detail = admin.get(f"/voting/{c}/").content.decode()
    assert 'data-testid="hand-overs"' in detail
    page = Client().get(f"/vote/{c}/projects/{vw.candidates[2].number}/").content.decode()
    assert 'data-testid="progress"' in page


def test_roll_upload_page(vw, tmp_path):
    from .test_roll_import import GOOD, workbook

    admin = vw.client("admin")
    path = workbook(tmp_path / "r.xlsx", GOOD)
    with open(path, "rb") as f:
        check = admin.post(f"/voting/{vw.campaign.pk}/roll/", {"file": f, "dry_run": "on"})
    assert 'data-testid="roll-dry-run"' in check.content.decode()
    with open(path, "rb") as f:
        admin.post(f"/voting/{vw.campaign.pk}/roll/", {"file": f})
    assert vw.campaign.roll.count() == 9
    codes = admin.post(f"/voting/{vw.campaign.pk}/roll/codes/")
    assert codes["Content-Type"].startswith("application/vnd.openxmlformats")


def test_dashboard_panel_and_nav(vw):
    home = vw.client("office").get("/").content.decode()
    assert 'data-testid="voting-panel"' in home and 'data-nav="voting-campaign-list"' in home
    assert 'data-testid="voting-panel"' not in vw.client("staff_a").get("/").content.decode()


API = [Row("/api/voting/campaigns", READERS), Row("/api/voting/campaigns/{c}", READERS),
       Row("/api/voting/campaigns/{c}/results", READERS)]


@pytest.mark.parametrize("row", API, ids=ids(API))
def test_api_matrix(vw, row):
    _matrix(vw, anonymous=401).check(row)
    assert vw.client("office").get(
        f"/api/voting/campaigns/{vw.campaign.pk + 99}").status_code == 404


def test_public_results_endpoint_only_after_publication(vw, monkeypatch):
    admin = vw.users["admin"]
    url = f"/api/voting/public/campaigns/{vw.campaign.pk}/results"
    vw.open_voting()
    services.cast_ballot(vw.campaign, roll_entry_id=vw.entry(1).pk,
                         candidate_ids=[vw.candidates[2].pk])
    assert Client().get(url).status_code == 404
    services.advance_phase(admin, vw.campaign, to=Campaign.Phase.COUNTING)
    services.count_votes(admin, vw.campaign)
    assert Client().get(url).status_code == 404
    staff = vw.client("leader").get(f"/api/voting/campaigns/{vw.campaign.pk}/results").json()
    assert staff["results"][0]["title"] == "口袋公园座椅"
    services.publish_results(admin, vw.campaign)
    data = Client().get(url).json()
    assert data["results"][0]["total"] == 1 and data["tie_rule"].startswith("equal totals")
    assert {t["community"] for t in data["turnout"]} == {"北苑社区", "南苑社区", "远郊社区"}
    assert "id_hash" not in str(data) and "receipt" not in str(data)


def test_public_project_page_shows_its_place_on_the_zone_map(vw, client):
    from zoneops.core.models import Place

    candidate = vw.candidates[2]
    candidate.latitude, candidate.longitude = 30.7051, 120.9049
    candidate.save()
    vw.open_voting()
    body = client.get(f"/vote/{vw.campaign.pk}/projects/{candidate.number}/").content.decode()
    assert 'data-testid="project-map"' in body
    assert 'data-lat="30.705100"' in body and 'data-lon="120.904900"' in body
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in body
    # Only the zone outline and areas go to the public, never blocks.
    assert Place.objects.filter(kind="block").exists()
    assert '"kind": "block"' not in body and '"kind": "zone"' in body


def test_anonymous_visits_create_no_session_row(vw):
    """Issue 17: each anonymous visit to a campaign page stored a session (a shuffle seed)."""
    from django.contrib.sessions.models import Session

    vw.open_voting()
    before = Session.objects.count()
    for _ in range(5):
        client = Client()
        page = client.get(f"/vote/{vw.campaign.pk}/")
        assert page.status_code == 200 and "vote_seed" in page.cookies
        assert client.get(f"/vote/{vw.campaign.pk}/").status_code == 200
    assert Session.objects.count() == before


def test_residents_read_plain_chinese_the_period_and_the_real_number(vw):
    """Issue 19: no raw "__all__:" key, the voting period on the public pages, and the
    rule with its number (最多可选 2 个项目), never a literal N."""
    from datetime import date

    services.update_campaign(vw.users["admin"], vw.campaign, {"voting_starts_on": date(2026, 12, 1),
                                               "voting_ends_on": date(2026, 12, 15)})
    vw.open_voting()
    c = vw.campaign.pk
    resident = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    bad = resident.post(f"/vote/{c}/verify/", {"id_number": id_number(1),
                                               "code": "AAAAA-AAAAA"}).content.decode()
    assert "__all__" not in bad and "身份证号和投票码与名册不符" in bad
    for url in (f"/vote/{c}/", f"/vote/{c}/verify/"):
        page = resident.get(url).content.decode()
        assert "2026-12-01 – 2026-12-15" in page, url
    staff = vw.client("office")
    staff.cookies["django_language"] = "zh-hans"
    listing = staff.get("/voting/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    n = vw.campaign.max_picks
    assert f"最多可选 {n} 个项目" in listing and "N项" not in listing
    with pytest.raises(ValidationError):
        services.update_campaign(vw.users["admin"], vw.campaign,
                                 {"voting_ends_on": date(2026, 11, 1)})
