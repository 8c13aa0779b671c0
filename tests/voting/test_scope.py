"""Campaigns are scoped by one declaration: an officer opens the campaigns whose roll holds
residents of the communities they serve; the queryset and the object check agree."""

from __future__ import annotations

from tests.core.test_scope import assert_agrees
from tests.voting.conftest import id_number
from zoneops.voting import permissions as perm
from zoneops.voting import services
from zoneops.voting.models import Campaign
from zoneops.voting.services import RollRow


def test_an_officer_opens_only_campaigns_with_residents_of_their_communities(vw):
    admin = vw.users["admin"]
    second = services.create_campaign(admin, {"title": "北苑专项", "rule": "approval",
                                              "max_picks": 1, "winners_wanted": 1})
    services.import_roll(admin, second, rows=[
        RollRow(2, "张一", id_number(1), "北苑1幢101", vw.north.name, None)])
    url = f"/voting/{second.pk}/"
    assert vw.client("officer").get(url).status_code == 200
    assert vw.client("far_officer").get(url).status_code == 404  # out of scope looks absent
    assert vw.world.client("office").get(url).status_code == 200
    listed = vw.client("far_officer").get("/voting/").content.decode()
    assert vw.campaign.title in listed and "北苑专项" not in listed

    users = [*vw.users.values(), vw.officer, vw.officer2, vw.far_officer]
    assert_agrees(perm.CAMPAIGNS, users, list(Campaign.objects.all()))
    assert perm.CAMPAIGNS.allows(vw.officer, second)
    assert not perm.CAMPAIGNS.allows(vw.far_officer, second)
    assert not perm.CAMPAIGNS.allows(vw.users["enterprise_a"], vw.campaign)
