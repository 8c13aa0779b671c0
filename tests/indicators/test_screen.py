"""The leader's screen and the demo indicators behind it."""

from __future__ import annotations

import pytest

from tests.matrix import INTERNAL, WORLD_ROLES, Matrix, Row, ids
from zoneops.core import demo as core_demo
from zoneops.indicators import demo, selectors
from zoneops.indicators.models import Indicator, Value

PAGES = [Row("/indicators/screen/", INTERNAL), Row("/indicators/screen/?year=1", INTERNAL,
                                                   ok=400)]


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_screen_matrix(world, row):
    Matrix(WORLD_ROLES, world.client, anonymous=302).check(row)


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_indicators_fill_the_screen(fast_hasher, django_user_model):
    core_demo.load()
    demo.load()
    assert Indicator.objects.count() == 6
    demo.load()  # idempotent
    assert Indicator.objects.count() == 6
    office = django_user_model.objects.get(username="office")
    year = Value.objects.order_by("-year").first().year
    rows = selectors.overview(office, year)
    assert all(r.latest is not None and r.latest.official_rate_pct is not None for r in rows)
    assert all(r.progress is not None for r in rows)
    assert sum(r.rate_flagged for r in rows) >= 1  # the demo's one far-off official rate
    # Peer zones for every indicator but 规上工业总产值: a rank among 4 zones on five cards.
    ranks = selectors.peer_ranks(office, year)
    assert sorted(i.code for i in Indicator.objects.filter(pk__in=ranks)) == [
        "GDZC", "GYZJZ", "SHLS", "SJWZ", "YBGGYS"]
    assert all(r.of == 4 and 1 <= r.rank <= 4 for r in ranks.values())
    trends = selectors.trends(office, year)
    assert len(trends) == 4 and all(None not in t["last"] for t in trends)
    from django.test import Client

    client = Client()
    client.force_login(office)
    page = client.get(f"/indicators/screen/?year={year}").content.decode()
    assert page.count('<div class="ind-card') == 6 and 'id="trend-data"' in page
    assert "规上工业总产值" in page
