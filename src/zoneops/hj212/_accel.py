"""The compiled fast paths (``_speedups.c``) when they were built, else None.

They are optional: a build without a C compiler leaves them out and the pure-Python code does
everything. Setting ZONEOPS_HJ212_PURE=1 turns them off (to compare, or to rule them out).
"""

from __future__ import annotations

import os
from types import ModuleType

from .packet import NUMERIC_SUFFIXES, SUFFIX_FIELDS, DataArea, Measurement, Packet


def _load() -> ModuleType | None:
    if os.environ.get("ZONEOPS_HJ212_PURE") == "1":
        return None
    try:
        from . import _speedups
    except ImportError:
        return None
    _speedups.configure(Measurement, len(Measurement._fields), {
        suffix: (Measurement._fields.index(attr), suffix in NUMERIC_SUFFIXES)
        for suffix, attr in SUFFIX_FIELDS.items()}, DataArea, Packet)
    return _speedups


speedups = _load()
