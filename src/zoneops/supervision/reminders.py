"""`zoneops supervision remind`, run daily: reminders before a node is due, on the day and
daily while overdue; escalating numbered notices; lights recomputed as the days pass; the
month's unit standings refreshed; red-light alerts of items no longer red closed.
Idempotent: a second run the same day sends nothing."""

from __future__ import annotations

from datetime import date, timedelta

from . import lights, services
from .models import Item, Node, Notice


def run_reminders(on: date | None = None) -> dict[str, int]:
    on = on or services.today()
    config = services.light_config()
    counts = {"before": 0, "due": 0, "overdue": 0, "notices": 0, "lights changed": 0,
              "alerts closed": 0}
    open_nodes = (Node.objects.filter(actual_date__isnull=True,
                                      planned_date__lte=on + timedelta(
                                          days=config.remind_days_before))
                  .exclude(item__status__in=[Item.Status.DONE, Item.Status.CANCELLED])
                  .select_related("item", "item__lead_unit", "item__lead_unit__leader"))
    issued: dict[int, list[lights.NoticeFact]] = {}
    for n in Notice.objects.filter(node__in=open_nodes):
        issued.setdefault(n.node_id, []).append(lights.NoticeFact(n.level, n.issued_on))
    for node in open_nodes:
        fact = lights.NodeFact(node.seq, node.planned_date, node.actual_date)
        wanted = lights.reminder_for(on, fact, config)
        if wanted and services.send_reminder(node, kind=wanted[0], key=wanted[1], on=on):
            counts[wanted[0]] += 1
        level = lights.notice_to_issue(on, fact, issued.get(node.pk, []), config)
        if level:
            services.issue_notice(node.item, node, level=level, on=on)
            counts["notices"] += 1
    active = (Item.objects.exclude(status=Item.Status.CANCELLED)
              .select_related("lead_unit").prefetch_related("nodes", "notices"))
    for item in active.iterator(chunk_size=500):
        before = (item.light, item.light_rule, item.light_reason, item.bucket)
        services.recompute_light(item, on=on)
        if (item.light, item.light_rule, item.light_reason, item.bucket) != before:
            counts["lights changed"] += 1
    counts["alerts closed"] = services.sync_light_alerts(on=on)
    services.record_month_stats(on.strftime("%Y-%m"), on=on)
    return counts
