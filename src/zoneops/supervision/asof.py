"""Lights and buckets as of a day, computed from the item's facts by the pure engine.

One computation for every place a figure is shown — the item page, the list, the dashboard,
the big screen, the API, exports, the stored light (`services.recompute_light`) and the
monthly report (as of its month end). Nodes met after the day count as not met yet, notices
issued after it do not exist yet. A stored light record is history: no page reads its counts
as today's, so "逾期N天" is N on the day it is shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import lights
from .models import Bucket, Item, Node, Notice

# The engine's rule names, worded for people (a page never shows the raw key).
RULE_LABELS = {
    "plan_vs_actual": _("Plan against actual"), "deadline_proximity": _("Deadline near"),
    "late_catch_up": _("Caught up late"), "notices": _("Supervision notices"),
    "done": _("Done"), "manual": _("Set by hand"),
}


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))


@dataclass(frozen=True)
class AsOf:
    on: date
    light: str
    rule: str
    reason: str
    bucket: str
    has_nodes: bool
    params: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def why(self) -> str:
        """The engine's sentence in the current language."""
        from .services.lighting import describe

        return describe(self.reason, self.params)

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)

    @property
    def bucket_label(self) -> str:
        return str(Bucket(self.bucket).label)

    @property
    def overdue_days(self) -> int | None:
        return self.params.get("days") if self.reason == "node_overdue" else None


def node_facts(item: Item, rows: Iterable[Node], on: date
               ) -> tuple[list[lights.NodeFact], bool]:
    """The item's nodes as they stood on `on` (met later = not met yet) and whether it was
    done by then: marked done and, for a past day, every node met by then."""
    from .services.base import today

    facts = [lights.NodeFact(n.seq, n.planned_date,
                             n.actual_date if n.actual_date and n.actual_date <= on else None)
             for n in rows]
    done = item.status == Item.Status.DONE and (on >= today() or all(f.actual for f in facts))
    return facts, done


def evaluate(item: Item, rows: list[Node], notices: Iterable[Notice], on: date,
             config: lights.LightConfig | None = None) -> AsOf:
    from .services.base import light_config

    config = config or light_config()
    facts, done = node_facts(item, rows, on)
    seqs = {n.pk: n.seq for n in rows}
    notice_facts = [lights.NoticeFact(n.level, n.issued_on, seqs.get(n.node_id))
                    for n in notices if n.issued_on <= on]
    manual = (item.manual_light, item.manual_reason) if item.manual_light else None
    result = lights.evaluate(on, facts, done=done, manual=manual, notices=notice_facts,
                             config=config)
    return AsOf(on, result.light, result.rule, result.reason, lights.bucket(on, facts, done),
                bool(rows), result.params, result.inputs)


def for_items(items: Iterable[Item], on: date) -> dict[int, AsOf]:
    """Every item's light and bucket as of `on`, in two queries whatever their number."""
    from .services.base import light_config

    items = list(items)
    ids = [i.pk for i in items]
    nodes: dict[int, list[Node]] = {}
    for n in Node.objects.filter(item_id__in=ids).order_by("item_id", "seq"):
        nodes.setdefault(n.item_id, []).append(n)
    notices: dict[int, list[Notice]] = {}
    for n in Notice.objects.filter(item_id__in=ids, issued_on__lte=on):
        notices.setdefault(n.item_id, []).append(n)
    config = light_config()
    return {i.pk: evaluate(i, nodes.get(i.pk, []), notices.get(i.pk, []), on, config)
            for i in items}


def for_item(item: Item, on: date | None = None) -> AsOf:
    from .services.base import today

    on = on or today()
    return evaluate(item, list(item.nodes.all()), list(item.notices.all()), on)
