"""The one unit look-up every importer uses (Django side of the kit: it reads the registry)."""

from __future__ import annotations

from django.db.models import QuerySet

from zoneops.core.models import Unit


def unit_lookup(units: QuerySet[Unit] | None = None, *, codes: bool = False) -> dict[str, Unit]:
    """Every way a unit is written → the unit: names win over short names, short names over
    aliases (and codes, when asked, over nothing)."""
    units = units if units is not None else Unit.objects.all()
    found: dict[str, Unit] = {}
    for unit in units.prefetch_related("aliases"):
        if codes:
            found.setdefault(unit.code, unit)
        for alias in unit.aliases.all():
            found[alias.alias] = unit
    for unit in units:
        if unit.short_name:
            found[unit.short_name] = unit
    for unit in units:
        found[unit.name] = unit
    return found
