"""Loading the zone's own geography from a GeoJSON FeatureCollection.

Each feature needs properties `code`, `name`, `kind` (zone / area / block) and optionally
`parent` (the code of the place it lies in). Everything is validated first; nothing is written
unless every feature is good.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Place, User
from .services.org import check_geometry, save_place

KIND_ORDER = {"zone": 0, "area": 1, "block": 2}


def parse(text: str) -> list[dict[str, Any]]:
    """Return the features as place dicts, or raise ValueError listing every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError("the file must be a GeoJSON FeatureCollection")
    problems, places, codes = [], [], set()
    for index, feature in enumerate(data.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        where = f"feature {index} ({props.get('code') or 'no code'})"
        for key in ("code", "name", "kind"):
            if not str(props.get(key) or "").strip():
                problems.append(f"{where}: property '{key}' is missing")
        if props.get("kind") and props["kind"] not in KIND_ORDER:
            problems.append(f"{where}: kind must be zone, area or block, not {props['kind']!r}")
        try:
            check_geometry(feature.get("geometry"))
        except ValidationError as exc:
            problems.extend(f"{where}: {m}" for m in exc.messages)
        code = str(props.get("code") or "").strip()
        if code in codes:
            problems.append(f"{where}: code {code} appears twice")
        codes.add(code)
        places.append({"code": code, "name": str(props.get("name") or "").strip(),
                       "kind": props.get("kind"), "parent": props.get("parent") or None,
                       "geometry": feature.get("geometry"),
                       "description": str(props.get("description") or "")})
    if not places and not problems:
        problems.append("the collection has no features")
    known = codes | set(Place.objects.values_list("code", flat=True))
    for place in places:
        if place["parent"] and place["parent"] not in known:
            problems.append(f"place {place['code']}: parent {place['parent']} is unknown")
    if problems:
        raise ValueError("\n".join(problems))
    return sorted(places, key=lambda p: KIND_ORDER.get(p["kind"], 9))


@transaction.atomic
def import_places(actor: User, places: list[dict[str, Any]]) -> tuple[int, int]:
    """Create or update each place by code. Returns (created, updated)."""
    created = updated = 0
    for item in places:
        existing = Place.objects.filter(code=item["code"]).first()
        data = dict(item)
        data["parent"] = Place.objects.get(code=item["parent"]) if item["parent"] else None
        save_place(actor, data, existing)
        if existing:
            updated += 1
        else:
            created += 1
    return created, updated
