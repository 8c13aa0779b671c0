"""core.bulk.insert_all: COPY on PostgreSQL, executemany elsewhere; values come back as the
ORM would have written them, ids when asked for, and nothing outlives a rolled-back
transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from zoneops.core.bulk import insert_all
from zoneops.core.models import AuditEntry
from zoneops.core.services.audit import entry
from zoneops.supervision.models import Item, SupervisionList


def test_rows_with_json_dates_and_ids(world):
    admin = world.users["admin"]
    lst = SupervisionList.objects.create(name="批量", year=2026)
    items = [Item(supervision_list=lst, code=f"P-{n}", title=f"标题“{n}”\\引号\"",
                  lead_unit=world.unit_a, deadline=date(2026, 6, n), funds_used=Decimal("1.50"),
                  light_inputs={"params": {"seq": n, "text": "含\"引号\"与\\反斜杠"}})
             for n in range(1, 4)]
    insert_all(Item, items, ids=True)
    assert all(i.pk for i in items)
    stored = {i.code: i for i in Item.objects.filter(supervision_list=lst)}
    assert stored["P-2"].pk == items[1].pk
    assert stored["P-2"].title == "标题“2”\\引号\""
    assert stored["P-2"].deadline == date(2026, 6, 2)
    assert stored["P-2"].funds_used == Decimal("1.50")
    assert stored["P-2"].light_inputs == {"params": {"seq": 2, "text": "含\"引号\"与\\反斜杠"}}
    assert stored["P-2"].created_at is not None and stored["P-2"].updated_at is not None
    before = AuditEntry.objects.count()
    insert_all(AuditEntry, [entry(admin, "import", i, None, {"row": n, "nodes": [{"a": None}]})
                            for n, i in enumerate(items)])
    assert AuditEntry.objects.count() == before + 3
    last = AuditEntry.objects.filter(object_id=str(items[2].pk), action="import").get()
    assert last.after == {"row": 2, "nodes": [{"a": None}]} and last.actor == admin


def test_nothing_outlives_a_rolled_back_transaction(world):
    lst = SupervisionList.objects.create(name="回滚", year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_all(Item, [Item(supervision_list=lst, code="R-1", title="回滚",
                               lead_unit=world.unit_a)], ids=True)
        raise RuntimeError("half way")
    assert not Item.objects.filter(supervision_list=lst).exists()
