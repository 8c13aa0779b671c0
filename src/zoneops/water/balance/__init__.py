"""Pure wastewater balance engine (NumPy, no Django): parse a chain, balance it, report.

    >>> from zoneops.water.balance import run
    >>> run({"points": [{"id": "S1", "kind": "source"}], "series": []})
    {'anomalies': []}
"""

from __future__ import annotations

from typing import Any

from .chain import KINDS, POLLUTANTS, Chain, ChainError, Point, parse_chain
from .engine import Anomaly, Settings, balance
from .limits import set_names

__all__ = ["KINDS", "POLLUTANTS", "Anomaly", "Chain", "ChainError", "Point", "Settings",
           "balance", "parse_chain", "run"]


def run(data: Any, settings: Settings | None = None) -> dict:
    """CHAIN document → ``{"anomalies": [...]}`` (raises ChainError naming the bad field)."""
    chain = parse_chain(data, set_names())
    return {"anomalies": [a.as_json() for a in balance(chain, settings)]}
