"""Loading the zone's own geography from a GeoJSON FeatureCollection.

Each feature needs properties `code`, `name`, `kind` (zone / area / block) and optionally
`parent` (the code of the place it lies in). Everything is validated first; nothing is written
unless every feature is good. Problems are the import kit's, located as "feature N (code)".
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop as N_

from .imports import Problem, ProblemsError
from .models import Place, User
from .services.org import check_geometry, create_place, update_place

KIND_ORDER = {"zone": 0, "area": 1, "block": 2}


def _problem(index: int | None, code: str, template: str, **params: Any) -> Problem:
    return Problem(f"feature {index}" if index else "", None, None, code, template, params)


def parse(text: str) -> list[dict[str, Any]]:
    """Return the features as place dicts, or raise ProblemsError (a ValueError) listing
    every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemsError([_problem(None, "", N_(
            "Not JSON: line %(line)s column %(column)s: %(error)s"), line=exc.lineno,
            column=exc.colno, error=exc.msg)]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ProblemsError([_problem(None, "", N_(
            "The file must be a GeoJSON FeatureCollection."))])
    problems: list[Problem] = []
    places, codes = [], set()
    for index, feature in enumerate(data.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        code = str(props.get("code") or "").strip()
        for key in ("code", "name", "kind"):
            if not str(props.get(key) or "").strip():
                problems.append(_problem(index, code, N_("Property “%(key)s” is missing."),
                                         key=key))
        if props.get("kind") and props["kind"] not in KIND_ORDER:
            problems.append(_problem(index, code, N_(
                "Kind must be zone, area or block, not “%(kind)s”."), kind=props["kind"]))
        try:
            check_geometry(feature.get("geometry"))
        except ValidationError as exc:
            problems.extend(_problem(index, code, m) for m in exc.messages)
        if code in codes:
            problems.append(_problem(index, code, N_("Code %(code)s appears twice."),
                                     code=code))
        codes.add(code)
        places.append({"code": code, "name": str(props.get("name") or "").strip(),
                       "kind": props.get("kind"), "parent": props.get("parent") or None,
                       "geometry": feature.get("geometry"),
                       "description": str(props.get("description") or ""), "index": index})
    if not places and not problems:
        problems.append(_problem(None, "", N_("The collection has no features.")))
    known = codes | set(Place.objects.values_list("code", flat=True))
    for place in places:
        if place["parent"] and place["parent"] not in known:
            problems.append(_problem(place["index"], place["code"], N_(
                "Parent %(parent)s is unknown."), parent=place["parent"]))
    if problems:
        raise ProblemsError(problems)
    for place in places:
        del place["index"]
    return sorted(places, key=lambda p: KIND_ORDER.get(p["kind"], 9))


@transaction.atomic
def import_places(actor: User, places: list[dict[str, Any]]) -> tuple[int, int]:
    """Create or update each place by code. Returns (created, updated)."""
    created = updated = 0
    for item in places:
        existing = Place.objects.filter(code=item["code"]).first()
        data = dict(item)
        data["parent"] = Place.objects.get(code=item["parent"]) if item["parent"] else None
        if existing:
            update_place(actor, existing, data)
        else:
            create_place(actor, data)
        if existing:
            updated += 1
        else:
            created += 1
    return created, updated
