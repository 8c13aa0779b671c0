"""Every main page, for each role, in Chinese and in English: no system string left in the
other language (issue 19, item 8).

The demo zone is loaded (core, three lists with a year of history, public voting), so the
pages carry what people really see: audit trails, alerts raised and closed by the system,
lights and their reasons, notifications. Then each page's visible text (text nodes and the
title / placeholder / aria-label attributes; never data-* attributes, scripts or styles) is
checked:

- on a Chinese page, no text node may be an English source string of the catalogue (an
  msgid that has a Chinese translation), a model field's English name ("updated at"), or a
  raw stored value of a choice or an audit action ("assigned", "raised", "red", "set
  cooperating units"); longer English source sentences are also looked for inside text;
- on an English page, no text may carry a Chinese translation from the catalogue (a
  system string stored or rendered in Chinese: "红灯：…", "已逾期"), as a whole text node or,
  for longer ones, inside it. Chinese user data (names, titles) is fine.

To cover more pages (the environment watch, hazards, water…), add their URLs to PAGES under
the role that sees them (and load that module's demo in `demo_zone`): the checks need no
change. A page a role may not open fails the test (it must answer 200).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2] / "src/zoneops/locale"
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|\{[^}]*\}")

# Role → pages. "{item}" etc. are filled from the demo (see `fill`).
PAGES: dict[str, list[str]] = {
    "admin": ["/", "/alerts/", "/alerts/{red_alert}/", "/alerts/{closed_alert}/", "/audit/",
              "/units/", "/units/{unit}/", "/enterprises/", "/enterprises/{enterprise}/",
              "/people/", "/notifications/", "/supervision/", "/supervision/items/{item}/",
              "/supervision/items/{late_item}/", "/supervision/review/",
              "/supervision/dashboard/", "/supervision/dashboard/screen/",
              "/supervision/monthly/", "/voting/", "/voting/{campaign}/",
              "/voting/{campaign}/paper/",
              # environment, tracing, hazards, water (every GET page of their urls.py)
              "/environment/", "/environment/stations/{station}/",
              "/environment/stations/{red_station}/", "/alerts/{env_alert}/",
              "/alerts/{traced_alert}/", "/alerts/{fence_alert}/",
              "/tracing/points/", "/tracing/points/new/{source}/",
              "/tracing/points/{release_point}/edit/", "/tracing/odour/",
              "/tracing/odour/{odour}/",
              "/hazards/", "/hazards/units/{hazard}/", "/hazards/units/new/",
              "/hazards/units/{hazard}/edit/", "/hazards/units/{hazard}/board/",
              "/hazards/duties/", "/hazards/duties/{responsible}/record/",
              "/hazards/incidents/", "/hazards/incidents/new/",
              "/hazards/incidents/{incident}/",
              "/water/", "/water/balance/", "/water/report/", "/water/points/{source_point}/",
              "/water/points/{network_point}/", "/water/points/{plant_point}/",
              "/water/points/{river_point}/",
              # indicators and emission rights (every GET HTML page of their urls.py)
              "/indicators/", "/indicators/{indicator}/", "/indicators/claims/",
              "/indicators/import/", "/indicators/import/peers/", "/indicators/screen/",
              "/indicators/bulletin/", "/indicators/review/", "/indicators/air/",
              "/indicators/air/?month={last_month}", "/indicators/air/day/{air_day}/",
              "/rights/", "/rights/market/", "/rights/market/new/",
              "/rights/market/{open_lot}/", "/rights/market/{closed_lot}/",
              "/rights/certificates/", "/rights/certificates/{certificate}/",
              "/rights/ledger/", "/rights/discharge/", "/rights/projects/",
              "/rights/record/", "/rights/record/verification/", "/rights/record/sale/",
              "/rights/record/recall/", "/rights/record/buyback/", "/rights/record/expiry/",
              "/rights/record/cap/", "/rights/requests/", "/rights/requests/{rights_request}/",
              "/rights/report/"],
    "office": ["/", "/alerts/", "/notifications/", "/supervision/",
               "/supervision/items/{item}/", "/supervision/review/", "/voting/{campaign}/",
               "/indicators/", "/indicators/review/", "/rights/requests/{rights_request}/"],
    "leader": ["/", "/supervision/dashboard/", "/supervision/items/{late_item}/",
               "/notifications/"],
    "duty": ["/", "/alerts/", "/alerts/{red_alert}/", "/notifications/", "/environment/",
             "/alerts/{env_alert}/", "/tracing/odour/", "/hazards/incidents/{incident}/"],
    "enterprise": ["/", "/hazards/", "/water/", "/water/points/{source_point}/",
                   "/environment/stations/{fence_station}/",
                   "/rights/", "/rights/market/", "/rights/market/{open_lot}/",
                   "/rights/market/{closed_lot}/", "/rights/certificates/",
                   "/rights/certificates/{certificate}/", "/rights/ledger/",
                   "/rights/discharge/", "/rights/projects/", "/rights/requests/",
                   "/rights/requests/new/", "/rights/requests/{rights_request}/"],
    "unit": ["/", "/supervision/", "/supervision/items/{item}/",
             "/supervision/items/{item}/report/", "/notifications/", "/indicators/",
             "/indicators/{indicator}/", "/indicators/submissions/", "/indicators/air/",
             "/rights/", "/rights/market/{open_lot}/"],
    "cb1": ["/voting/{campaign}/paper/"],
    None: ["/login/", "/vote/", "/vote/{campaign}/", "/vote/{campaign}/verify/",
           "/vote/{campaign}/projects/1/", "/odour/", "/odour/t/", "/odour/t/{odour_code}/",
           "/certificate/", "/certificate/?number={certificate_number}&code={certificate_code}",
           "/certificate/?number={certificate_number}&code=WRONG"],
}


class _Text(HTMLParser):
    """Visible text nodes and the attributes people read or hear. An element marked
    `data-stored-text` holds text the system wrote once, in the language of that moment (a
    notification, an audit reason): it is left out, and the marker says so in the template.
    So is a passage that declares its own language (`lang="zh-Hans"` on the monthly bulletin,
    a Chinese official document previewed as it will be printed)."""

    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._stored: list[str] = []  # tag names of open data-stored-text elements

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        names = dict(attrs)
        own_language = tag != "html" and "lang" in names
        if ("data-stored-text" in names or own_language
                or (self._stored and tag == self._stored[-1])):
            self._stored.append(tag)
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value and value.strip():
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if self._stored and tag == self._stored[-1]:
            self._stored.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def _entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(ROOT / "zh_Hans/LC_MESSAGES/django.po"))
            if e.msgstr and e.msgstr != e.msgid and not e.obsolete]


def _fragments(text: str) -> list[str]:
    return [f.strip(" .,:;!?()（）：，。、") for f in PLACEHOLDER.split(text)]


def english_markers() -> tuple[set[str], set[str]]:
    """(whole texts, inner phrases) that betray an untranslated English system string."""
    whole, inner = set(), set()
    for entry in _entries():
        for fragment in _fragments(entry.msgid):
            if re.search(r"[A-Za-z]{2}", fragment):
                whole.add(fragment)
                if len(fragment.split()) >= 4:  # a sentence, not a word data might hold
                    inner.add(fragment)
    with translation.override("en"):
        for model in apps.get_models():
            if not model.__module__.startswith("zoneops."):
                continue
            for field in model._meta.get_fields():
                name = getattr(field, "verbose_name", None)
                if name and " " in str(name):  # "updated at" (one word could be data)
                    whole.add(str(name))
    return whole, inner


def raw_values() -> set[str]:
    """Stored values of choices and audit actions: never shown as they are."""
    from zoneops.core.models.audit import ACTION_LABELS

    values = {str(v) for v in ACTION_LABELS}
    for model in apps.get_models():
        if not model.__module__.startswith("zoneops."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_ ]+", value):
                    values.add(value)
    return values


def chinese_markers() -> tuple[set[str], set[str]]:
    whole, inner = set(), set()
    for entry in _entries():
        for fragment in _fragments(entry.msgstr):
            if CJK.search(fragment):
                whole.add(fragment)
                if len(CJK.findall(fragment)) >= 6:
                    inner.add(fragment)
    return whole, inner


def untranslated(texts: list[str], whole: set[str], inner: set[str],
                 allowed: set[str] = frozenset()) -> list[str]:
    found = []
    for text in texts:
        bare = text.strip(" :：·|—-")
        if bare in allowed:
            continue
        if bare in whole:
            found.append(text)
            continue
        hits = [phrase for phrase in inner if phrase in text]
        if hits:
            found.append(f"{text!r} ⊃ {hits[0]!r}")
    return found


@pytest.fixture
def demo_zone(db, settings):
    """The demo zone (as `zoneops demo` loads it), inside the test's own transaction."""
    from zoneops.core import demo as core_demo
    from zoneops.environment import demo as environment_demo
    from zoneops.hazards import demo as hazards_demo
    from zoneops.indicators import demo as indicators_demo
    from zoneops.rights import demo as rights_demo
    from zoneops.supervision import demo as supervision_demo
    from zoneops.tracing import demo as tracing_demo
    from zoneops.voting import demo as voting_demo
    from zoneops.water import demo as water_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("zh-hans"):  # as the demo command loads it
        core_demo.load()
        supervision_demo.load()
        voting_demo.load()
        environment_demo.load()
        hazards_demo.load()
        water_demo.load()
        tracing_demo.load()
        indicators_demo.load()
        rights_demo.load()
    return _ids()


def _ids() -> dict[str, int]:
    from zoneops.core.models import Alert, Enterprise, Unit
    from zoneops.core.models.alerts import OPEN_STATUSES
    from zoneops.supervision.models import Item
    from zoneops.voting.models import Campaign

    return {
        "item": Item.objects.get(code="ZD-01").pk,
        "late_item": Item.objects.filter(light="red").exclude(code="ZD-01").first().pk,
        "red_alert": Alert.objects.filter(module="supervision",
                                          status__in=OPEN_STATUSES).first().pk,
        "closed_alert": Alert.objects.filter(module="supervision",
                                             status="closed").first().pk,
        "unit": Unit.objects.get(code="U04").pk,
        "enterprise": Enterprise.objects.first().pk,
        "campaign": Campaign.objects.first().pk,
        **_module_ids(),
        **_rights_ids(),
    }


def _rights_ids() -> dict[str, int | str]:
    """Demo objects of the indicators and emission-rights modules."""
    import datetime as dt

    from django.utils import timezone

    from zoneops.core.models import User
    from zoneops.indicators.models import Indicator
    from zoneops.rights.models import Certificate, Lot
    from zoneops.rights.models_moves import TransferRequest

    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    enterprise = User.objects.get(username="enterprise").enterprise  # the rights contact
    certificate = Certificate.objects.filter(enterprise=enterprise).first()
    return {
        "indicator": Indicator.objects.order_by("sort_order").first().pk,
        "last_month": f"{last_month:%Y-%m}",
        "air_day": (today - dt.timedelta(days=3)).isoformat(),
        "open_lot": Lot.objects.order_by("-opens_at").first().pk,
        "closed_lot": Lot.objects.order_by("opens_at").first().pk,
        "certificate": certificate.pk,
        "certificate_number": certificate.number,
        "certificate_code": certificate.code,
        "rights_request": TransferRequest.objects.first().pk,
    }



def _module_ids() -> dict[str, int | str]:
    """Demo objects of the environment, tracing, hazards and water modules."""
    from zoneops.core.demo import H2S_KEY
    from zoneops.core.models import Alert, User
    from zoneops.environment import demo as environment_demo
    from zoneops.environment.models import Station
    from zoneops.hazards.models import HazardUnit, Incident, Responsible
    from zoneops.tracing import demo as tracing_demo
    from zoneops.tracing.models import OdourReport, ReleasePoint
    from zoneops.water.models import WaterPoint

    enterprise = User.objects.get(username="enterprise").enterprise
    hazard = HazardUnit.objects.order_by("code").first()
    odour = OdourReport.objects.first()
    return {
        "station": Station.objects.get(mn=environment_demo.RELEASE_SOURCE).pk,
        "red_station": Station.objects.get(mn=environment_demo.RED_STATION).pk,
        "fence_station": Station.objects.filter(enterprise=enterprise).first().pk,
        "env_alert": Alert.objects.get(module="environment", key=H2S_KEY).pk,
        "traced_alert": Alert.objects.get(module="environment", key=tracing_demo.DEMO_KEY).pk,
        "fence_alert": Alert.objects.get(module="environment", key="demo:nmhc:fence").pk,
        "source": tracing_demo.demo_source().pk,
        "release_point": ReleasePoint.objects.first().pk,
        "odour": odour.pk,
        "odour_code": odour.code,
        "hazard": hazard.pk,
        "responsible": Responsible.objects.filter(unit=hazard, role="main").first().pk,
        "incident": Incident.objects.first().pk,
        "source_point": WaterPoint.objects.get(code="S1").pk,
        "network_point": WaterPoint.objects.get(code="N2").pk,
        "plant_point": WaterPoint.objects.get(code="P-out").pk,
        "river_point": WaterPoint.objects.get(code="R-down").pk,
    }


def _client(username: str | None, language: str) -> Client:
    from django.conf import settings

    from zoneops.core.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def data_names() -> set[str]:
    """What people named themselves (units, lists, enterprises, communities…): data, in
    whatever language it was written, even where it reads like a catalogue string."""
    from zoneops.core.models import Enterprise, Unit, User
    from zoneops.environment.models import AlarmRule
    from zoneops.supervision.models import SupervisionList
    from zoneops.voting.models import Campaign, Category, Community

    names = set(User.objects.values_list("username", flat=True))
    # The alarm rules are named in the deployment's rule file (Chinese only for now).
    for model, fields in ((Unit, ("name", "short_name")), (Enterprise, ("name",)),
                          (SupervisionList, ("name",)), (Community, ("name",)),
                          (Category, ("name",)), (Campaign, ("title",)),
                          (AlarmRule, ("name",))):
        for field in fields:
            names |= {v for v in model.objects.values_list(field, flat=True) if v}
    return names


CASES = [(role, url) for role, urls in PAGES.items() for url in urls]


def test_every_main_page_speaks_one_language(demo_zone):
    """One test over every page of every role, in Chinese and in English."""
    english, english_inner = english_markers()
    markers = {"zh-hans": (english | raw_values(), english_inner),
               "en": chinese_markers()}
    allowed = data_names()
    problems = []
    previous = translation.get_language()  # each request activates its language: put it back
    try:
        problems = _check_pages(demo_zone, markers, allowed)
    finally:
        translation.activate(previous) if previous else translation.deactivate()
    assert problems == [], "\n".join(sorted(set(problems)))


def _check_pages(ids: dict[str, int], markers: dict, allowed: set[str]) -> list[str]:
    problems = []
    for (role, url), language in [(case, lang) for lang in markers for case in CASES]:
        whole, inner = markers[language]
        path = url.format(**ids)
        response = _client(role, language).get(path)
        assert response.status_code == 200, (role, path, response.status_code)
        body = response.content.decode()
        assert f'lang="{language}"' in body, (role, path)
        for text in untranslated(visible_texts(body), whole, inner, allowed):
            problems.append(f"[{language}] {role or 'anonymous'} {path}: {text}")
    return problems


def test_the_check_finds_what_it_looks_for():
    """The detector itself: a raw status, an English field name and an English sentence on a
    Chinese page are caught, and so is a Chinese system string on an English page; Chinese
    data on an English page is not."""
    with translation.override("en"):
        whole, inner = english_markers()
    whole |= raw_values()
    zh_page = ("<p>状态：<span>assigned</span></p><td>updated at</td>"
               "<span title='Zoom in'>+</span><p>任务 ZD-01 推进汽车零部件产业园</p>"
               "<div data-status='raised'>已接收</div>")
    found = untranslated(visible_texts(zh_page), whole, inner)
    assert "assigned" in found and "updated at" in found
    assert not any("ZD-01" in f or "已接收" in f for f in found)
    zh_whole, zh_inner = chinese_markers()
    en_page = "<p>Lead unit: 经济发展局</p><td>红灯</td><p>推进汽车零部件产业园二期建设</p>"
    found = untranslated(visible_texts(en_page), zh_whole, zh_inner)
    assert found == ["红灯"]
