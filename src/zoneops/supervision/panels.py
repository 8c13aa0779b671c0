"""The supervision panel on the home dashboard: lights at a glance and what waits on me."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import permissions as perm
from . import selectors
from .models import Instruction, Report


def dashboard_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not perm.can_use(user):
        return None
    items = selectors.items_for(user)
    waiting = 0
    if perm.can_manage(user):
        waiting = Report.objects.filter(status=Report.Status.SUBMITTED).count()
    else:
        waiting = (Instruction.objects.filter(item__in=items, answer="").count()
                   + Report.objects.filter(item__in=items,
                                           status=Report.Status.RETURNED).count())
    # Today's lights, by the same as-of computation as every other page (not stored ones).
    from collections import Counter

    from . import asof, services
    from .models import Item, Light

    now = asof.for_items(items.exclude(status=Item.Status.CANCELLED)
                         .defer("light_inputs", "target"), services.today())
    found = Counter(r.light for r in now.values())
    return {"template": "supervision/_panel.html",
            "lights": {value: found.get(value, 0) for value in Light.values},
            "waiting": waiting, "can_manage": perm.can_manage(user)}
