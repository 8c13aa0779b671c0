"""Demo data for public voting: a 三微一精 campaign with 50 candidate micro-renovation projects
in the fictional zone's communities, a roll of 300 fictional residents, printed voting codes
and some votes already cast (online and on paper). Everything is invented; ID numbers use the
unused region code 330499 and carry valid check characters. Loaded through the services,
idempotent and deterministic."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zoneops.core.demo import DEMO_PASSWORD
from zoneops.core.models import Role, Unit, User
from zoneops.core.services.people import create_user

from . import codes, idcard, rules, services
from .models import Campaign, Participation

SEED = 20260505
TITLE = "2026年澄湾三微一精民生微实事项目居民投票"
REGION = "330499"
# sub-district code → its communities (invented)
COMMUNITIES = {
    "U20": ["澄北花园社区", "驰远社区"], "U21": ["澜桥新村社区", "智谷社区"],
    "U22": ["沁湖苑社区", "云数社区"], "U23": ["禾丰里社区", "康宁社区"],
    "U24": ["鹭栖湾社区", "北环社区"],
}
# (category, title pattern, cost range in 10k yuan)
PROJECT_TYPES = [
    ("道路", "{c}主干道路面修补", (20, 60)),
    ("道路", "{c}人行道与无障碍坡道改造", (15, 45)),
    ("停车", "{c}停车位划线扩容", (8, 30)),
    ("停车", "{c}非机动车棚与充电设施", (10, 35)),
    ("公园设施", "{c}口袋公园座椅与照明更新", (5, 25)),
]
CATEGORIES = [("道路", 2), ("停车", 2), ("公园设施", None)]
RESIDENTS = 300
ONLINE_VOTES = 60
PAPER_VOTES = 6
OFFICERS = [("cb1", "吴晓燕"), ("cb2", "郑国强")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红晨宇欣怡子涵浩然雨桐"


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def residents() -> list[dict[str, str]]:
    """The fictional roll: name, ID number, household, community, sub-district name."""
    rng = random.Random(SEED)
    units = {code: name for code, name in
             Unit.objects.filter(code__in=COMMUNITIES).values_list("code", "name")}
    people = []
    for n in range(RESIDENTS):
        unit_code = sorted(COMMUNITIES)[n % len(COMMUNITIES)]
        community = COMMUNITIES[unit_code][(n // len(COMMUNITIES)) % 2]
        birth = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        building, floor, door = rng.randint(1, 12), rng.randint(1, 6), rng.randint(1, 4)
        household = f"{community[:-2]}{building}幢{floor}0{door}室"
        people.append({"name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)),
                       "id_number": idcard.make(REGION, birth, n % 1000),
                       "household": household, "community": community,
                       "subdistrict": units.get(unit_code, "")})
    return people


def household_codes(campaign: Campaign) -> dict[tuple[int, str], str]:
    """The printed codes, replayed: issue_codes walks households in this order with this seed."""
    rng = random.Random(SEED + 1)
    households = sorted(set(campaign.roll.values_list("community_id", "household")))
    return {h: codes.new_code(rng) for h in households}


def voter_credentials(campaign: Campaign) -> list[tuple[str, str, str]]:
    """(ID number, printed code, name) for every demo resident, in roll-file order."""
    entries = {(e.community.name, e.household) for e in campaign.roll.select_related("community")}
    by_household = household_codes(campaign)
    community_ids = dict(campaign.roll.values_list("community__name", "community_id"))
    result = []
    for person in residents():
        key = (community_ids[person["community"]], person["household"])
        if (person["community"], person["household"]) in entries:
            result.append((person["id_number"], by_household[key], person["name"]))
    return result


def _officers(admin: User) -> list[User]:
    unit = Unit.objects.get(code="U20")
    found = []
    for username, full_name in OFFICERS:
        user = User.objects.filter(username=username).first() or create_user(
            admin, {"username": username, "full_name": full_name, "role": Role.UNIT_STAFF,
                    "unit": unit}, password=DEMO_PASSWORD)
        found.append(user)
    return found


def _candidates(admin: User, campaign: Campaign) -> None:
    rng = random.Random(SEED + 2)
    categories = {name: services.create_category(admin, campaign, {"name": name, "max_picks": cap,
                                                                 "sort_order": i})
                  for i, (name, cap) in enumerate(CATEGORIES)}
    communities = {c.name: c for c in campaign.roll.model.community.field.related_model
                   .objects.all()}
    number = 0
    for unit_code in sorted(COMMUNITIES):
        for community in COMMUNITIES[unit_code]:
            for category, pattern, (low, high) in PROJECT_TYPES:
                number += 1
                place = community[:-2]
                services.create_candidate(admin, campaign, {
                    "number": number, "title": pattern.format(c=place),
                    "description": f"{community}居民提议：{pattern.format(c=place)}，"
                                   "改善出行和日常生活。经街道初审、管委会复核列入候选。",
                    "category": categories[category], "community": communities[community],
                    "latitude": Decimal(f"{30.66 + rng.random() * 0.08:.6f}"),
                    "longitude": Decimal(f"{120.84 + rng.random() * 0.12:.6f}"),
                    "estimated_cost": Decimal(rng.randint(low, high) * 10000)})


def load(stdout=None) -> None:
    if Campaign.objects.filter(title=TITLE).exists():
        campaign = Campaign.objects.get(title=TITLE)
        _say(stdout, f"voting: campaign “{TITLE}” already loaded")
        _print_codes(stdout, campaign)
        return
    admin = User.objects.get(username="admin")
    with transaction.atomic():
        officer, officer2 = _officers(admin)
        campaign = services.create_campaign(admin, {
            "title": TITLE, "rule": Campaign.Rule.APPROVAL, "max_picks": 5, "winners_wanted": 10,
            "allow_recast": True,
            "voting_starts_on": timezone.localdate() - timedelta(days=3),
            "voting_ends_on": timezone.localdate() + timedelta(days=14),
            "description": "管委会列出50个候选微更新项目（道路、停车、公园设施），请辖区居民投票。"
                           "每人最多选5项，其中道路类、停车类各最多2项。得票前10名的项目经管委会"
                           "确认后列入“三张清单”督办，进度在本页公开。" + "（演示数据）"})
        rows = [services.RollRow(i + 2, p["name"], p["id_number"], p["household"],
                                 p["community"], Unit.objects.get(name=p["subdistrict"]))
                for i, p in enumerate(residents())]
        services.import_roll(admin, campaign, rows=rows)
        services.issue_codes(admin, campaign, rng=random.Random(SEED + 1))
        _candidates(admin, campaign)
        services.advance_phase(admin, campaign, to=Campaign.Phase.CANDIDATES)
        campaign = services.advance_phase(admin, campaign, to=Campaign.Phase.VOTING)
        _cast(campaign, officer, officer2)
    _say(stdout, f"voting: campaign “{TITLE}” with 50 candidates, {RESIDENTS} residents on the "
                 "roll, votes cast")
    _print_codes(stdout, campaign)


def _cast(campaign: Campaign, officer: User, officer2: User) -> None:
    rng = random.Random(SEED + 3)
    candidates = list(campaign.candidates.select_related("category"))
    credentials = voter_credentials(campaign)
    popular = candidates[::3]  # some projects are more popular than others

    def ballot() -> list[int]:
        while True:
            picks = rng.sample(popular if rng.random() < 0.7 else candidates, rng.randint(1, 5))
            ids = [c.pk for c in picks]
            if not rules.ballot_problems(services.rule_of(campaign),
                                                  {c.pk: c.as_option() for c in candidates},
                                                  ids):
                return ids
    # Online votes from residents further down the roll; the first ones stay free to try.
    for id_number, code, _name in credentials[-ONLINE_VOTES:]:
        entry = services.verify(campaign, id_number=id_number, code=code)
        services.cast_ballot(campaign, roll_entry_id=entry.pk, candidate_ids=ballot())
    # Paper votes at the 澄北街道 office.
    local = [c for c in credentials[20:-ONLINE_VOTES]
             if campaign.roll.get(id_hash=services.identity_hash(campaign, c[0]))
             .community.unit.code == "U20"][:PAPER_VOTES]
    for id_number, _code, _name in local:
        mark = services.register_paper_voter(officer, campaign, id_number=id_number)
        services.confirm_paper_voter(officer2, mark, accept=True)  # a second officer
        paper = services.enter_paper_ballot(officer, campaign,
                                            community=mark.roll_entry.community,
                                            candidate_ids=ballot(), serial=f"CB-{mark.pk:04d}")
        if mark.pk % 2:  # half are checked already; the rest wait for the second officer
            services.check_paper_ballot(officer2, paper, accept=True)
    assert Participation.objects.filter(campaign=campaign).count() == ONLINE_VOTES + PAPER_VOTES


def _print_codes(stdout, campaign: Campaign) -> None:
    _say(stdout, "voting: residents' site at /vote/ — try these fictional residents "
                 "(ID number + printed household code):")
    # Only residents who have not voted yet: a code already used would only be refused.
    voted = set(Participation.objects.filter(campaign=campaign)
                .values_list("roll_entry__name", flat=True))
    for id_number, code, name in [c for c in voter_credentials(campaign)
                                  if c[2] not in voted][:3]:
        _say(stdout, f"  {name}  {id_number}  {codes.pretty(code)}")
    _say(stdout, f"  paper ballots: officers cb1 and cb2 (澄北街道), password {DEMO_PASSWORD}")
