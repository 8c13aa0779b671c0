"""The voting demo loads through the services, twice without duplicates, and its printed
credentials work."""

from __future__ import annotations

from io import StringIO

from zoneops.core import demo as core_demo
from zoneops.voting import demo, idcard, services
from zoneops.voting.models import Campaign, Participation


def test_demo_loads_once_and_its_codes_verify(db):
    core_demo.load()
    out = StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)
    campaign = Campaign.objects.get(title=demo.TITLE)
    assert Campaign.objects.count() == 1
    assert campaign.candidates.count() == 50 and campaign.phase == "voting"
    assert campaign.roll.count() == demo.RESIDENTS
    assert Participation.objects.count() == demo.ONLINE_VOTES + demo.PAPER_VOTES
    assert all("\u4e00" <= c.title[0] <= "\u9fff" for c in campaign.candidates.all())
    credentials = demo.voter_credentials(campaign)
    assert len(credentials) == demo.RESIDENTS
    assert all(idcard.is_valid(n) and n.startswith("330499") for n, _c, _name in credentials)
    id_number, code, name = credentials[0]
    assert id_number in out.getvalue()
    assert services.verify(campaign, id_number=id_number, code=code).name == name
