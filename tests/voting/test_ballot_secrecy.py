"""Ballot secrecy by construction (issue 17, item 3): once sealed, no column, transaction id
(PostgreSQL xmin), physical row order or receipt digest joins an online ballot to the
participation of the person who cast it; and nobody reads ballots before the count."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import load_workbook

from zoneops.voting import codes, services
from zoneops.voting.models import Ballot, BallotChoice, Campaign, Participation

from .conftest import RESIDENTS

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def physical_order(table: str, column: str) -> list:
    position = "ctid" if ON_POSTGRESQL else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY {position}")
        return [row[0] for row in cursor.fetchall()]


def cast_everyone(vw) -> list[str]:
    """Every resident votes online, in roll order; returns the receipts in casting order."""
    receipts = []
    for n, *_rest in RESIDENTS:
        ballot = services.cast_ballot(vw.campaign, roll_entry_id=vw.entry(n).pk,
                                      candidate_ids=[vw.candidates[n % 4].pk])
        receipts.append(ballot.receipt)
    return receipts


def test_a_full_batch_is_rewritten_in_shuffled_order_and_closing_seals_the_rest(vw, settings):
    settings.VOTING_SEAL_BATCH = 4
    vw.open_voting()
    receipts = cast_everyone(vw)  # 6 voters: one batch of 4 sealed, 2 waiting
    assert Ballot.objects.filter(sealed=True).count() == 4
    services.advance_phase(vw.users["admin"], vw.campaign, to=Campaign.Phase.COUNTING)
    assert set(Ballot.objects.values_list("sealed", flat=True)) == {True}
    assert sorted(physical_order("voting_ballot", "receipt")) == sorted(receipts)
    # The choices survived the rewrite, each on its ballot.
    assert {b.receipt: [c.candidate_id for c in b.choices.all()]
            for b in Ballot.objects.prefetch_related("choices")} == {
        r: [vw.candidates[n % 4].pk] for r, (n, *_rest) in zip(receipts, RESIDENTS, strict=True)}


def test_rewriting_shuffles_the_physical_order(vw, settings):
    settings.VOTING_SEAL_BATCH = 100
    vw.open_voting()
    receipts = cast_everyone(vw)
    assert physical_order("voting_ballot", "receipt") == receipts  # the attack, unsealed
    orders = set()
    for _ in range(4):  # 6! orders: four identical shuffles would be chance 1 in 10**11
        services.seal_ballots(vw.campaign, everything=True)
        orders.add(tuple(physical_order("voting_ballot", "receipt")))
    assert orders != {tuple(receipts)} and len(orders) > 1


def test_no_column_of_a_ballot_or_its_choices_names_a_voter_or_a_time():
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not ballot_fields & {"participation", "roll_entry", "created_at", "cast_at",
                                "updated_at"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert BallotChoice._meta.pk.get_internal_type() == "UUIDField"
    assert Ballot._meta.get_field("cast_on").get_internal_type() == "DateField"
    assert not {f.name for f in Participation._meta.get_fields()} & {"ballot", "created_at"}


def test_the_receipt_digest_is_salted_and_slow_and_proves_only_its_own_ballot(vw):
    vw.open_voting()
    ballot = services.cast_ballot(vw.campaign, roll_entry_id=vw.entry(1).pk,
                                  candidate_ids=[vw.candidates[0].pk])
    other = services.cast_ballot(vw.campaign, roll_entry_id=vw.entry(4).pk,
                                 candidate_ids=[vw.candidates[2].pk])
    digests = dict(Participation.objects.values_list("roll_entry_id", "receipt_digest"))
    mine = digests[vw.entry(1).pk]
    assert ballot.receipt not in mine and codes.receipt_matches(mine, ballot.receipt)
    assert not codes.receipt_matches(mine, other.receipt)
    # Same receipt, fresh salt: a digest cannot be recomputed from the receipt alone.
    assert codes.receipt_hash(ballot.receipt) != codes.receipt_hash(ballot.receipt)
    assert codes.RECEIPT_HASH_ITERATIONS >= 100_000


def test_ballots_xlsx_has_no_ballot_before_the_count(vw):
    vw.open_voting()
    receipts = cast_everyone(vw)
    for who in ("admin", "office"):
        response = vw.client(who).get(f"/voting/{vw.campaign.pk}/ballots.xlsx")
        text = repr([row for row in load_workbook(io.BytesIO(response.content)).active.values])
        assert response.status_code == 200 and not any(r in text for r in receipts)
    admin = vw.users["admin"]
    services.advance_phase(admin, vw.campaign, to=Campaign.Phase.COUNTING)
    services.count_votes(admin, vw.campaign)
    response = vw.client("office").get(f"/voting/{vw.campaign.pk}/ballots.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)[1:]
    assert sorted(row[0] for row in rows) == sorted(receipts)


if ON_POSTGRESQL:

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_xmin_does_not_join_a_sealed_ballot_to_its_participation(vw, settings):
        settings.VOTING_SEAL_BATCH = 3
        vw.open_voting()
        cast_everyone(vw)

        def xmins(table: str) -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT xmin::text::bigint FROM {table}")
                return [row[0] for row in cursor.fetchall()]

        participations = set(xmins("voting_participation"))
        assert len(participations) == len(RESIDENTS)  # one transaction per voter
        batches = set(xmins("voting_ballot"))
        assert len(batches) == 2 and not batches & participations  # two batches of three
        assert not set(xmins("voting_ballotchoice")) & participations
        services.advance_phase(vw.users["admin"], vw.campaign, to=Campaign.Phase.COUNTING)
        assert len(set(xmins("voting_ballot"))) == 1  # closing: one batch of everyone
