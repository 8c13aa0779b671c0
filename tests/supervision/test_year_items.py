"""year_items: the public read other modules count (the leader's screen's lights per unit)."""

from __future__ import annotations

from zoneops.supervision import services
from zoneops.supervision.models import Item
from zoneops.supervision.selectors import year_items


def test_year_items_are_the_years_visible_uncancelled_items(world, sup):
    admin = world.users["admin"]
    older = services.create_list(admin, {"name": "重点任务", "kind": "key_tasks", "year": 2025})
    services.create_item(admin, {"supervision_list": older, "code": "ZD-01", "title": "旧任务",
                                 "lead_unit": world.unit_a})
    assert set(year_items(world.users["leader"], 2026)) == {sup.item_a, sup.item_b}
    assert set(year_items(world.users["leader"], 2025)).isdisjoint({sup.item_a, sup.item_b})
    # staff_b: leads item_b, cooperates on item_a
    assert set(year_items(world.users["staff_b"], 2026)) == {sup.item_a, sup.item_b}
    assert set(year_items(world.users["staff_a"], 2026)) == {sup.item_a}
    Item.objects.filter(pk=sup.item_b.pk).update(status=Item.Status.CANCELLED)
    assert set(year_items(world.users["leader"], 2026)) == {sup.item_a}
    assert not year_items(world.users["enterprise_a"], 2026).exists()
