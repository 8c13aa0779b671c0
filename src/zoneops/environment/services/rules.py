"""Alarm rules loaded from their data file, with their sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zoneops.core import permissions as perm
from zoneops.core.models import User
from zoneops.core.services.audit import save_audited

from .. import alarms, units
from ..models import (
    AlarmRule,
    Factor,
    Station,
    kind_of,
)

DEFAULT_RULES = Path(__file__).parent.parent / "data" / "alarm_rules.json"


# --- alarm rules -------------------------------------------------------------------------------

def load_rules(actor: User | str, path: Path | str = DEFAULT_RULES) -> int:
    """Load alarm rules from a JSON data file (see data/alarm_rules.json), all or nothing.
    Rules are upserted by code; ``add_tiers`` adds tiers to an existing rule. People must be
    administrators; the string "system" is for migrations and the demo."""
    if not isinstance(actor, str):
        perm.require(perm.is_admin(actor), "only an administrator changes alarm rules")
    try:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError({"file": f"{path}: {exc}"}) from exc
    count = 0
    with transaction.atomic():
        for n, item in enumerate(spec.get("rules", []), start=1):
            try:
                _load_rule(actor, item)
            except ValidationError as exc:
                raise ValidationError({f"rules[{n}] {item.get('code', '?')}":
                                       exc.messages}) from exc
            count += 1
    alarms.clear_cache()
    return count


def _rule_unit(unit: str) -> str:
    try:
        return units.normalise(unit)
    except units.UnitError as exc:
        raise ValidationError(f"unit: {exc}") from exc


def _load_rule(actor: User | str, item: dict[str, Any]) -> AlarmRule:
    from ..engine import Rule

    code = item.get("code") or ""
    existing = AlarmRule.objects.filter(code=code).first()
    if "add_tiers" in item:
        if existing is None:
            raise ValidationError(f"add_tiers: no rule {code!r} to add tiers to")
        names = {t["name"] for t in existing.tiers}  # loading twice adds nothing twice
        tiers = sorted(existing.tiers + [t for t in item["add_tiers"] if t["name"] not in names],
                       key=lambda t: float(t["on"]))
        data: dict[str, Any] = {"tiers": tiers}
    else:
        factor = None
        if item.get("factor"):
            factor = Factor.objects.filter(code=item["factor"]).first()
            if factor is None:
                raise ValidationError(f"unknown factor {item['factor']!r}")
        station = None
        if item.get("scope_station"):
            station = Station.objects.filter(mn=item["scope_station"]).first()
            if station is None:
                raise ValidationError(f"unknown station MN {item['scope_station']!r}")
        scope_kind = kind_of(item.get("scope_kind") or "")
        if (item.get("scope") == "kind" or scope_kind) and scope_kind not in Station.Kind.values:
            raise ValidationError(f"scope_kind {item.get('scope_kind')!r} is not one of "
                                  f"{', '.join(Station.Kind.values)}")
        data = {"code": code, "name": item.get("name") or code, "kind": item.get("kind"),
                "factor": factor, "reading_kind": item.get("reading_kind") or "rtd",
                "scope": item.get("scope") or "all", "scope_kind": scope_kind,
                "scope_station": station, "tiers": item.get("tiers") or [],
                "duration_readings": int(item.get("duration_readings") or 1),
                "duration_seconds": int(item.get("duration_seconds") or 0),
                "clear_seconds": int(item.get("clear_seconds") or 0),
                "unit": _rule_unit(item.get("unit") or ""),
                "source": item.get("source") or "", "is_active": item.get("active", True)}
    try:
        Rule.from_dict(code, {**(vars(existing) if existing else {}), **data,
                              "kind": data.get("kind") or existing.kind})
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(str(exc)) from exc
    return save_audited(actor, existing or AlarmRule(), data)


