"""Supervision fixtures on top of the shared `world`: one list, an item led by unit A with unit B
cooperating, an item led by unit B, each with nodes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from zoneops.supervision import services
from zoneops.supervision.models import Item, SupervisionList

TODAY = date(2026, 5, 20)


@dataclass
class Sup:
    lst: SupervisionList
    item_a: Item
    item_b: Item


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text, whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def fixed_today(monkeypatch):
    """The services' idea of today, so lights and deadlines do not depend on the calendar."""
    for module in (services, services.base):  # the package's name and the one its parts call
        monkeypatch.setattr(module, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def sup(world, fixed_today) -> Sup:
    admin = world.users["admin"]
    lst = services.create_list(admin, {"name": "重点任务", "kind": "key_tasks", "year": 2026})
    item_a = services.create_item(admin, {
        "supervision_list": lst, "code": "ZD-01", "domain": "经济发展",
        "title": "推进汽车零部件产业园二期建设", "target": "全年完成投资5亿元",
        "leader_name": "周明远", "lead_unit": world.unit_a, "deadline": date(2026, 12, 31),
        "deadline_text": "年底前"}, co_units=[world.unit_b], nodes=[
        {"planned_date": date(2026, 3, 31), "deliverable": "完成立项"},
        {"planned_date": date(2026, 6, 30), "deliverable": "开工建设"},
        {"planned_date": date(2026, 12, 31), "deliverable": "主体结顶"}])
    item_b = services.create_item(admin, {
        "supervision_list": lst, "code": "ZD-02", "domain": "城市建设",
        "title": "滨湖路改造提升", "lead_unit": world.unit_b, "deadline": date(2026, 9, 30)},
        nodes=[{"planned_date": date(2026, 4, 30), "deliverable": "完成设计"}])
    return Sup(lst, item_a, item_b)
