"""A voting world on top of the core `world`: a sub-district with two communities and their
officers, a campaign with categories, candidates, a small roll and printed codes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from zoneops.core.models import Role, Unit, User
from zoneops.core.services.org import create_unit
from zoneops.core.services.people import create_user
from zoneops.voting import idcard, services
from zoneops.voting.models import Campaign, Candidate, Category, Community
from zoneops.voting.services import RollRow


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source messages; the Chinese ones are checked for
    completeness by tests/core/test_i18n.py and seen in the browser tests."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def id_number(n: int) -> str:
    return idcard.make("330499", "19800101", n)


@dataclass
class VotingWorld:
    world: object
    campaign: Campaign
    subdistrict: Unit
    other_subdistrict: Unit
    north: Community
    south: Community
    far: Community
    roads: Category
    parks: Category
    candidates: list[Candidate]
    codes: dict[str, str]  # id number -> household code
    officer: User
    officer2: User
    far_officer: User

    @property
    def users(self):
        return self.world.users

    def client(self, who):
        if who in ("officer", "officer2", "far_officer"):
            from django.test import Client

            client = Client()
            client.force_login(getattr(self, who))
            return client
        return self.world.client(who)

    def open_voting(self) -> Campaign:
        admin = self.users["admin"]
        services.advance_phase(admin, self.campaign, to=Campaign.Phase.CANDIDATES)
        services.advance_phase(admin, self.campaign, to=Campaign.Phase.VOTING)
        self.campaign.refresh_from_db()
        return self.campaign

    def entry(self, n: int):
        return services.verify(self.campaign, id_number=id_number(n), code=self.codes[id_number(n)])


RESIDENTS = [  # n, name, household, community key
    (1, "张一", "北苑1幢101", "north"), (2, "张二", "北苑1幢101", "north"),
    (3, "李三", "北苑2幢202", "north"), (4, "王四", "南苑3幢303", "south"),
    (5, "赵五", "南苑4幢404", "south"), (6, "钱六", "远郊5号", "far"),
]


@pytest.fixture
def vw(world) -> VotingWorld:
    admin = world.users["admin"]
    sub = create_unit(admin, {"code": "S1", "name": "澄北街道", "kind": Unit.Kind.SUBDISTRICT})
    other = create_unit(admin, {"code": "S2", "name": "鹭栖街道", "kind": Unit.Kind.SUBDISTRICT})
    north = Community.objects.create(name="北苑社区", unit=sub)
    south = Community.objects.create(name="南苑社区", unit=sub)
    far = Community.objects.create(name="远郊社区", unit=other)
    officer = create_user(None, {"username": "officer", "role": Role.UNIT_STAFF, "unit": sub},
                          password=PASSWORD)
    officer2 = create_user(None, {"username": "officer2", "role": Role.UNIT_STAFF, "unit": sub},
                           password=PASSWORD)
    far_officer = create_user(None, {"username": "far_officer", "role": Role.UNIT_STAFF,
                                   "unit": other}, password=PASSWORD)
    campaign = services.create_campaign(admin, {
        "title": "2026年三微一精项目投票", "rule": Campaign.Rule.APPROVAL, "max_picks": 2,
        "winners_wanted": 2})
    roads = services.create_category(admin, campaign, {"name": "道路", "max_picks": 1})
    parks = services.create_category(admin, campaign, {"name": "公园设施"})
    candidates = [
        services.create_candidate(admin, campaign, {
            "title": title, "category": cat, "estimated_cost": Decimal(cost),
            "community": north, "latitude": Decimal("30.7"), "longitude": Decimal("120.9")})
        for title, cat, cost in [("北苑路面修补", roads, "300000"),
                                 ("南苑人行道拓宽", roads, "500000"),
                                 ("口袋公园座椅", parks, "80000"),
                                 ("健身步道照明", parks, "120000")]]
    keys = {"north": north, "south": south, "far": far}
    rows = [RollRow(i + 2, name, id_number(n), household, keys[key].name, None)
            for i, (n, name, household, key) in enumerate(RESIDENTS)]
    services.import_roll(admin, campaign, rows=rows)
    issued = services.issue_codes(admin, campaign, rng=random.Random(5))
    by_household = {(c.pk, h): code for c, h, code in issued}
    codes = {id_number(n): by_household[(keys[key].pk, household)]
             for n, _name, household, key in RESIDENTS}
    return VotingWorld(world, campaign, sub, other, north, south, far, roads, parks, candidates,
                       codes, officer, officer2, far_officer)
