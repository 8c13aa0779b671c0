"""The claims page: who may open it, and what an office sees when it pastes a draft."""

from __future__ import annotations

import pytest

SEED = "工业总产值从2020年的565.4亿元一路攀升至2024年的869.5亿元，年均增长率高达13.5%。"
INTERNAL = ["admin", "office", "leader", "duty", "staff_a", "staff_a1", "staff_b"]
URL = "/indicators/claims/"


def test_anonymous_is_sent_to_login(world):
    client = world.client(None)
    for response in (client.get(URL), client.post(URL, {"text": SEED})):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", INTERNAL)
def test_internal_users_check_a_draft(world, who):
    client = world.client(who)
    assert client.get(URL).status_code == 200
    text = SEED + "货物吞吐量由2019年的5000万吨增至2023年的7129万吨，年均增速9.3%。"
    page = client.post(URL, {"text": text}).content.decode()
    assert 'data-count="2"' in page and 'data-wrong="1"' in page
    assert "(869.5÷565.4−1)÷4 = 13.4%" in page
    assert 'data-consistent="0"' in page and 'data-consistent="1"' in page


def test_enterprise_contact_is_refused(world):
    client = world.client("enterprise_a")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": SEED}).status_code == 403


def test_nav_entry_only_for_internal_users(world):
    assert URL in world.client("office").get("/").content.decode()
    assert URL not in world.client("enterprise_a").get("/").content.decode()


def test_empty_and_claimless_drafts(world):
    client = world.client("office")
    empty = client.post(URL, {"text": ""}).content.decode()
    assert 'role="alert"' in empty and 'data-testid="results"' not in empty
    none = client.post(URL, {"text": "2024年同比增长5%。"}).content.decode()
    assert 'data-count="0"' in none and 'data-testid="none"' in none


def test_page_is_chinese_by_default(world):
    page = world.client("office").get(URL).content.decode()
    assert "增长表述核对" in page
