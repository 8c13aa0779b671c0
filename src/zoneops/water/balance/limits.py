"""Which concentration limit applies at a point: the point's own (a 纳管 contract given in the
chain), else its named set, else its kind's default (GB 18918 at a plant outlet, GB 3838 at
a river section with a target class). Values come only from ``data/limits.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .chain import Point
from .messages import N_

CHAIN_LIMIT = N_("limit given in the chain")  # the label of a point's own (纳管) limits

DATA = Path(__file__).resolve().parent.parent / "data" / "limits.json"


@dataclass(frozen=True)
class Limit:
    value_mg_l: float
    averaging: str  # hour | day
    label: str  # what the why names: "GB18918-2002-1A", "limit given in the chain"
    name: str = ""  # the set's name in Chinese (data/limits.json), "" for a point's own


@lru_cache(maxsize=4)
def load_sets(path: str = str(DATA)) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def set_names() -> frozenset[str]:
    return frozenset(load_sets()["sets"])


def limits_for(point: Point) -> dict[str, Limit]:
    data = load_sets()
    if point.limits:
        return {name: Limit(v, "hour", CHAIN_LIMIT)
                for name, v in point.limits.items()}
    name = point.limit_set
    if name is None:
        template = data["defaults"].get(point.kind)
        if template is None or ("{target_class}" in template and not point.target_class):
            return {}
        name = template.format(water_body=point.water_body, target_class=point.target_class)
    chosen = data["sets"].get(name)
    if chosen is None:
        return {}
    return {p: Limit(float(v), chosen["averaging"], name, chosen.get("name", ""))
            for p, v in chosen["limits_mg_l"].items()}
