"""What every supervision service shares: today (or the replayed day), the light rules,
the permission guard and links."""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from zoneops.core import permissions as core_perm
from zoneops.core.models import Role, Unit, User

from .. import lights
from ..models import (
    Item,
)

ALERT_MODULE = "supervision"
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
RULES_FILE = Path(__file__).parent.parent / "data" / "light_rules.json"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@lru_cache(maxsize=1)
def light_config() -> lights.LightConfig:
    return lights.LightConfig.from_dict(json.loads(RULES_FILE.read_text(encoding="utf-8")))


_AS_OF: contextvars.ContextVar[date | None] = contextvars.ContextVar("as_of", default=None)


def today() -> date:
    """The services' "today": the local date, or the day being replayed (see as_of)."""
    return _AS_OF.get() or timezone.localdate()


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Run services as if it were `day` (the demo replays a year month by month this way)."""
    token = _AS_OF.set(day)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def require(allowed: bool, what: str) -> None:
    core_perm.require(allowed, f"you may not {what}")


def unit_staff(unit: Unit | None) -> list[User]:
    if unit is None:
        return []
    return list(User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit=unit))


def item_link(item: Item) -> str:
    return reverse("supervision:item-detail", args=[item.pk])




def told(msgid: str, **params: Any) -> dict[str, Any]:
    """A notice's title for notify(): the text in the platform's language now, and the
    message id with its parameters so each reader sees it in their own language."""
    from zoneops.core.models.alerts import i18n_spec, render_spec

    spec = i18n_spec(msgid, **params)  # a parameter may be a spec too (a light's name)
    return {"title": render_spec(spec), "i18n": {"title": spec}}
