"""The engine's explanations are message ids with their figures, rendered in the reader's
language when shown: the same figures in Chinese and English, no English left in Chinese,
alerts keep the message (old alerts with plain text still show it)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from zoneops.core.models import Alert
from zoneops.water.balance import balance, parse_chain
from zoneops.water.balance.limits import set_names
from zoneops.water.balance.messages import english
from zoneops.water.services import raise_alerts
from zoneops.water.simulate import Discharge, Gap, simulate
from zoneops.water.texts import why

FIGURE = re.compile(r"\d+(?:\.\d+)?")
# What a Chinese explanation may keep in Latin letters: the points' codes, the pollutants,
# the standards' grades (一级A, III 类), units, a correlation's r.
KEPT = re.compile(r"\b(?:NH3-N|[A-Z]+-?[a-z]*-?\d*|kg/h|mg/L|r=)")


def found(doc: dict) -> list:
    return balance(parse_chain(doc, set_names()))


def scenarios() -> list:
    night = found(simulate(days=10, seed=4, discharges=(Discharge("N2", 8 * 24 + 1, 4, 27.0),)))
    leak = found(simulate(days=10, seed=5, discharges=(
        Discharge("N1", 8 * 24 + 10, 6, cod_kg_h=-1.0, flow_l_s=-0.5),)))
    gap = found(simulate(days=10, seed=6, gaps=(Gap("S1", 8 * 24 + 2, 3, flag="M"),)))
    unmonitored = simulate(days=3, seed=7)
    unmonitored["series"] = [r for r in unmonitored["series"] if r["point"] != "S3"]
    plant = simulate(days=10, seed=9)
    for r in plant["series"]:
        if r["point"] == "P-out" and r["time"].startswith("2026-12-09"):
            r["cod_mg_l"] = 60.0
        if r["point"] == "N1":  # N1's meter reads 40 % high all along: a steady imbalance
            r["flow_l_s"] *= 1.4
    limits = simulate(days=2, seed=10)
    for p in limits["points"]:
        if p["id"] == "S2":
            p["limits"] = {"COD": 30.0}
    for r in limits["series"]:
        if r["point"] == "R-up" and r["time"].startswith("2026-12-02T0"):
            r["nh3n_mg_l"] = 1.2
    return night + leak + gap + found(unmonitored) + found(plant) + found(limits)


@pytest.fixture(scope="module")
def findings() -> list:
    return scenarios()


def names(params: dict) -> list[dict]:
    """The names kept in both languages among a message's parameters."""
    found = []
    for value in params.values():
        if isinstance(value, dict) and "msgid" in value:
            found += names(value["params"])
        elif isinstance(value, dict):
            found.append(value)
    return found


def rendered(anomaly, language: str) -> str:
    with translation.override(language):
        return why(anomaly)


def test_every_kind_has_a_message_with_its_figures(findings) -> None:
    kinds = {a.kind for a in findings}
    assert kinds == {"unexplained_load", "missing_load", "shock_load", "removal_drop",
                     "limit_exceeded", "data_quality"}
    assert any("load has run +" in a.why for a in findings)  # the steady imbalance
    for a in findings:
        assert a.msgid and a.params and english(a.message()) == a.why


def test_a_finding_reads_in_chinese_and_in_english_with_the_same_figures(findings) -> None:
    night = next(a for a in findings if a.point == "N2" and a.kind == "unexplained_load")
    zh, en = rendered(night, "zh-hans"), rendered(night, "en")
    assert en == night.why and en.startswith("N2 received 2")
    assert zh.startswith("N2 收到的 COD 比其上游 3 个点位送来的多 2")
    assert "可能位置：" in zh and "之间的管段" in zh
    excess = night.params["first"]["params"]["excess"]  # the first clause's figure
    assert f"多 {excess} kg/h" in zh and f"received {excess} kg/h" in en
    for a in findings:
        zh, en = rendered(a, "zh-hans"), rendered(a, "en")
        assert zh != en
        for name in names(a.params):  # a standard's name: its code in English
            zh, en = zh.replace(name["zh-hans"], ""), en.replace(name["en"], "")
        assert sorted(FIGURE.findall(zh)) == sorted(FIGURE.findall(en)), (zh, en)
        left = KEPT.sub(" ", zh)
        assert not re.search(r"[A-Za-z]{2,}", left), zh


def test_alerts_keep_the_message_and_show_it_in_the_readers_language(world, findings) -> None:
    night = next(a for a in findings if a.point == "N2" and a.kind == "unexplained_load")
    raise_alerts([night])
    alert = Alert.objects.get(module="water", key="N2:unexplained_load:COD")
    assert alert.data["i18n"]["detail"]["msgid"] == night.msgid
    with translation.override("en"):
        assert alert.display_title == "Wastewater N2: COD unexplained load"
    assert alert.title.startswith("污水链路 N2：COD ")  # the platform's language
    client = world.client("admin")

    def detail(language: str) -> str:  # the alert's detail (its history keeps what was stored)
        page = client.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        return re.search(r'<p class="detail">(.*?)</p>', page.content.decode(), re.S)[1]

    assert detail("en").startswith("N2 received 2")
    assert detail("zh-hans").startswith("N2 收到的 COD 比其上游 3 个点位送来的多 2")
    # An alert raised before the messages were kept shows its plain text, as written.
    Alert.objects.filter(pk=alert.pk).update(detail="N2 received 3 kg/h COD more", data={})
    alert.refresh_from_db()
    with translation.override("zh-hans"):
        assert alert.display_detail == "N2 received 3 kg/h COD more"
