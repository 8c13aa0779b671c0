"""Projects chosen elsewhere (a public vote's winners) becoming supervised items, and the
progress the public may see of them.

Called by the voting module at hand-over time; kept apart from services.py because it is the
one place another module writes supervision items through.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ..core.models import Unit, User
from . import services
from .models import Item, SupervisionList

# Milestones every handed-over micro-renovation project starts with, as (days after hand-over,
# deliverable). Defaults of this platform, not from a standard: the office edits them per item.
DEFAULT_NODES = [
    (30, "完成方案设计和预算审核"),
    (90, "完成招标并开工"),
    (180, "完工并组织验收"),
]
# Stored data (shown to Chinese users and in exports), so not a translated UI string.
PUBLIC_VOTE_DOMAIN = "民生微实事"
LIST_KINDS = {"重点任务": SupervisionList.Kind.KEY_TASKS, "改革突破": SupervisionList.Kind.REFORMS,
              "攻坚克难": SupervisionList.Kind.TOUGH}


def _code_for(source: str) -> str:
    """A stable item code from the source, so that handing over twice finds the same item."""
    parts = source.split(":")
    if len(parts) == 3 and parts[0] == "voting" and parts[1].isdigit() and parts[2].isdigit():
        return f"MS{int(parts[1]):02d}-{int(parts[2]):02d}"
    raise ValidationError({"source": _("Unknown project source %(source)s.") % {"source": source}})


@transaction.atomic
def create_item_from_project(actor: User, *, list_key: str, title: str, description: str,
                             unit: Unit | None, estimated_cost: Decimal | None,
                             latitude: Any = None, longitude: Any = None,
                             source: str, start: date | None = None) -> Item:
    """The item for a chosen project in this year's list named `list_key` (created if missing),
    published, with the default milestones. Idempotent by `source`."""
    if unit is None:
        raise ValidationError({"unit": _("The project has no responsible unit (its community "
                                         "belongs to no sub-district).")})
    start = start or services.today()
    lst = SupervisionList.objects.filter(name=list_key, year=start.year).first()
    if lst is None:
        lst = services.create_list(actor, {"name": list_key, "year": start.year,
                                         "kind": LIST_KINDS.get(list_key,
                                                                SupervisionList.Kind.CUSTOM)})
    code = _code_for(source)
    existing = Item.objects.filter(supervision_list=lst, code=code).first()
    if existing is not None:
        return existing
    target = description.strip()
    # Stored text, read by Chinese users and exports: data, not translated UI strings.
    if estimated_cost:
        target += f"\n估算投资：{estimated_cost} 元。"
    if latitude is not None and longitude is not None:
        target += f"\n位置：{latitude}, {longitude}（WGS-84）。"
    nodes = [{"planned_date": start + timedelta(days=days), "deliverable": deliverable}
             for days, deliverable in DEFAULT_NODES]
    return services.create_item(actor, {
        "supervision_list": lst, "code": code, "title": title[:300], "target": target,
        "lead_unit": unit, "start_date": start, "deadline": nodes[-1]["planned_date"],
        "domain": PUBLIC_VOTE_DOMAIN, "is_published": True,
    }, nodes=nodes)


def item_url(item: Item) -> str:
    return reverse("supervision:item-detail", args=[item.pk])


def public_progress(item_ref: str) -> dict[str, Any] | None:
    """What residents may see of a published item: progress, status and milestones."""
    if not str(item_ref).isdigit():
        return None
    item = Item.objects.filter(pk=int(item_ref), is_published=True).first()
    if item is None:
        return None
    return {
        "progress": item.progress, "status": item.get_status_display(),
        "nodes": [{"planned_date": n.planned_date, "deliverable": n.deliverable,
                   "actual_date": n.actual_date} for n in item.nodes.all()],
    }
