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


def test_printed_codes_are_never_ones_already_used_and_the_password_is_shown(db):
    from zoneops.core.demo import DEMO_PASSWORD

    core_demo.load()
    demo.load()
    campaign = Campaign.objects.get(title=demo.TITLE)
    first = demo.voter_credentials(campaign)[0]
    entry = services.verify(campaign, id_number=first[0], code=first[1])
    services.cast_ballot(campaign, roll_entry_id=entry.pk,
                         candidate_ids=[campaign.candidates.first().pk])
    out = StringIO()
    demo.load(stdout=out)  # a second `make demo` prints the codes again
    text = out.getvalue()
    assert first[0] not in text  # that resident has voted: their code would only be refused
    shown = [c for c in demo.voter_credentials(campaign) if c[0] in text]
    assert len(shown) == 3
    assert not Participation.objects.filter(roll_entry__name__in=[c[2] for c in shown]).exists()
    assert f"password {DEMO_PASSWORD}" in text
