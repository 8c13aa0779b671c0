"""Rendered fragments of the busiest pages (item list, dashboard), cached per data version.

The version is the newest item change and the newest unit standing, read with two indexed
aggregate queries, so a cached fragment is never served after the data changed — in any web
process, since each process checks the database, not its own memory."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import get_language

from zoneops.core import permissions as core_perm

from . import permissions as perm
from .models import Item, UnitMonthStat

TIMEOUT = 600


def data_version() -> str:
    changed = Item.objects.aggregate(v=Max("updated_at"))["v"]
    stats = UnitMonthStat.objects.aggregate(v=Max("pk"))["v"]
    return f"{changed.timestamp() if changed else 0}:{stats or 0}"


def scope_key(user) -> str:
    """Everyone who reads all shares one copy; unit staff one per set of units."""
    if perm.reads_all(user):
        return "all"
    return ",".join(str(pk) for pk in sorted(core_perm.unit_scope_ids(user))) or "none"


def fragment(name: str, user, parts: dict[str, str], build: Callable[[], str]) -> str:
    raw = "|".join([name, scope_key(user), get_language() or "", data_version(),
                    *(f"{k}={v}" for k, v in sorted(parts.items()))])
    key = "sup:" + hashlib.sha256(raw.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, TIMEOUT)
    return html
