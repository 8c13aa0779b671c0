"""Reminders about nodes and numbered supervision notices."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zoneops.core.models.alerts import choice_spec
from zoneops.core.services.audit import record
from zoneops.core.services.notify import notify

from ..audit import SupervisionAction
from ..models import (
    Item,
    Light,
    Node,
    Notice,
    ReminderSent,
)
from .base import item_link, told, unit_staff

REMINDER_TITLES = {
    "before": gettext_noop("Node due in %(days)s days: %(code)s %(deliverable)s"),
    "due": gettext_noop("Node due today: %(code)s %(deliverable)s"),
    "overdue": gettext_noop("Node %(days)s days overdue: %(code)s %(deliverable)s"),
}


def send_reminder(node: Node, *, kind: str, key: date, on: date) -> bool:
    """One reminder about a node, at most once per (node, kind, key): the unique row is written
    first, in the same transaction as the notification, so two runs at once cannot both send.
    False when it was sent already."""
    item = node.item
    try:
        with transaction.atomic():
            ReminderSent.objects.create(node=node, kind=kind, on=key)
            days = abs((node.planned_date - on).days)
            users = list(unit_staff(item.lead_unit))
            if kind == "overdue" and item.lead_unit.leader_id:
                users.append(item.lead_unit.leader)  # escalation to the leader in charge
            notify(**told(REMINDER_TITLES[kind], days=days, code=item.code,
                          deliverable=node.deliverable),
                   body=item.title, link=item_link(item), users=users, units=[item.lead_unit])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def issue_notice(item: Item, node: Node | None, *, level: str, on: date) -> Notice:
    """A numbered supervision slip to the lead unit (numbers run per year)."""
    last = (Notice.objects.select_for_update().filter(year=on.year)
            .order_by("-number").values_list("number", flat=True).first())
    text = (_("Node %(seq)s “%(deliverable)s” due %(date)s") % {
        "seq": node.seq, "deliverable": node.deliverable, "date": node.planned_date}
        if node else item.title)
    notice = Notice.objects.create(item=item, node=node, year=on.year, number=(last or 0) + 1,
                                   level=level, text=text[:300], issued_on=on)
    # The action names the level (发出红色督办单); the record keeps the slip's number.
    record("system", SupervisionAction.notice(level), item, None, {"notice": str(notice)})
    notify(**told(gettext_noop("%(notice)s (%(level)s): %(code)s %(title)s"), notice=str(notice),
                  level=choice_spec(Light(level).label), code=item.code, title=item.title),
           body=text, link=item_link(item), users=unit_staff(item.lead_unit),
           units=[item.lead_unit])
    return notice


