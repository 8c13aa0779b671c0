"""Reads of the major-hazard registry, scoped to who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from zoneops.core import permissions as core
from zoneops.core.models import Role, User

from .models import Assessment, Chemical, HazardUnit, Holding


def units_for(user: User) -> QuerySet[HazardUnit]:
    qs = HazardUnit.objects.select_related("enterprise")
    role = core.role_of(user)
    if role in core.READ_ALL:
        return qs
    if role == Role.UNIT_STAFF:
        return qs.filter(enterprise__unit_id__in=core.unit_scope_ids(user))
    if role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def chemicals_for(user: User) -> QuerySet[Chemical]:
    return Chemical.objects.all() if core.role_of(user) else Chemical.objects.none()


def history_of(unit: HazardUnit) -> QuerySet[Assessment]:
    """Every assessment of the unit, newest first."""
    return unit.assessments.all()


def current_assessment(unit: HazardUnit) -> Assessment | None:
    return unit.assessments.first()


def unit_input(unit: HazardUnit) -> dict:
    """The engine's UNIT JSON for a unit: one entry per chemical, its design maxima summed over
    the unit's equipment (q of GB 18218 is per unit). Tonnes are decimal strings, so the stored
    inputs compare exactly with the next ones."""
    totals: dict[int, tuple[Chemical, object]] = {}
    holdings = (
        Holding.objects.filter(equipment__unit=unit)
        .select_related("chemical")
        .order_by("chemical__name")
    )
    for holding in holdings:
        chemical, total = totals.get(holding.chemical_id, (holding.chemical, 0))
        totals[holding.chemical_id] = (chemical, total + holding.design_max_t)
    chemicals = []
    for chemical, total in totals.values():
        entry: dict = {"name": chemical.name, "tonnes": str(total)}
        if chemical.cas:
            entry["cas"] = chemical.cas
        if chemical.categories:
            entry["category"] = list(chemical.categories)
        chemicals.append(entry)
    return {
        "kind": unit.kind,
        "population_500m": unit.population_500m,
        "population_source": unit.population_source or "entered",
        "chemicals": chemicals,
    }


def responsibles_for(user: User):
    from .models import Responsible

    return Responsible.objects.filter(unit__in=units_for(user)).select_related(
        "unit__enterprise", "user")


def week_duties(user: User, today):
    """Who owes what in the period holding ``today``: each of the enterprise's three people
    in scope, the period, whether a duty is recorded in it, and the last one."""
    from .duties import period_of
    from .models import CADENCE_BY_ROLE, DutyRecord

    rows = []
    people = responsibles_for(user).filter(role__in=list(CADENCE_BY_ROLE)).order_by(
        "unit__enterprise__name", "unit__code", "role")
    for person in people:
        start, end = period_of(person.cadence, today)
        done = DutyRecord.objects.filter(responsible=person, done_on__range=(start, end)).first()
        last = DutyRecord.objects.filter(responsible=person).first()
        rows.append({"person": person, "start": start, "end": end, "done": done, "last": last})
    return rows


def missed_duties(user: User, today):
    """The enterprise's responsible people in scope whose last whole period before ``today``
    passed with no 包保 duty recorded (the same test as services.check_duties), with that
    period."""
    from .duties import previous_period
    from .models import CADENCE_BY_ROLE, DutyRecord

    rows = []
    people = responsibles_for(user).filter(role__in=list(CADENCE_BY_ROLE)).order_by(
        "unit__enterprise__name", "unit__code", "role")
    for person in people:
        if person.unit.enterprise_id is None:
            continue
        start, end = previous_period(person.cadence, today)
        if not DutyRecord.objects.filter(responsible=person, done_on__range=(start, end)).exists():
            rows.append({"person": person, "start": start, "end": end})
    return rows


def incidents_for(user: User):
    """Incidents of the units one sees, and those with a task for one's own unit."""
    from django.db.models import Q

    from .models import Incident

    if core.role_of(user) is None:
        return Incident.objects.none()
    q = Q(unit__in=units_for(user))
    if core.role_of(user) == Role.UNIT_STAFF and user.unit_id:
        q |= Q(tasks__assignee_unit_id=user.unit_id)
    return Incident.objects.filter(q).distinct().select_related("unit__enterprise", "alert")
