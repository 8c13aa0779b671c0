"""Reads shared by pages and the API, with row-level scoping applied here."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from . import permissions as perm
from .models import Alert, AuditEntry, Enterprise, Notification, Place, Role, Unit, User
from .models.alerts import OPEN_STATUSES
from .scope import descendant_unit_ids


def units_for(user: User) -> QuerySet[Unit]:
    return perm.UNITS.restrict(
        user, queryset=Unit.objects.select_related("parent", "leader").prefetch_related("aliases"))


def enterprises_for(user: User) -> QuerySet[Enterprise]:
    return perm.ENTERPRISES.restrict(
        user, queryset=Enterprise.objects.select_related("block", "unit"))


def alerts_for(user: User) -> QuerySet[Alert]:
    return perm.ALERTS.restrict(user, queryset=Alert.objects.select_related(
        "unit", "enterprise", "assignee_unit", "assignee_user", "assignee_enterprise"))


def alert_inbox(user: User, box: str = "mine") -> QuerySet[Alert]:
    """'mine': open alerts waiting on this person; 'unit': open ones of their unit;
    'open': every open alert they may see; 'all': everything they may see."""
    qs = alerts_for(user)
    if box == "all":
        return qs
    qs = qs.filter(status__in=OPEN_STATUSES)
    if box == "mine":
        role = perm.role_of(user)
        if role in perm.DISPATCHERS:
            # A dispatcher's own work: new alerts to acknowledge/assign, handled ones to verify.
            return qs.filter(Q(status__in=[Alert.Status.RAISED, Alert.Status.ACKNOWLEDGED,
                                          Alert.Status.HANDLED]) | Q(assignee_user=user))
        if role == Role.LEADER:
            return qs.filter(escalated_at__isnull=False)
        return qs.exclude(status=Alert.Status.HANDLED)
    if box == "unit" and user.unit_id:
        scope = descendant_unit_ids(user.unit_id)
        return qs.filter(Q(unit_id__in=scope) | Q(assignee_unit_id__in=scope))
    return qs


def assignee_choices(alert: Alert) -> dict[str, Any]:
    """Who an alert can go to, for the searchable picker: units, people and enterprises
    (as AssignForm accepts them), the alarm's enterprise and unit proposed first."""
    from .forms import AssignForm

    form = AssignForm()
    items: list[dict[str, Any]] = []
    for unit in form.fields["unit"].queryset.only("pk", "name", "code"):
        items.append({"kind": "unit", "id": unit.pk, "label": unit.name, "hint": unit.code})
    for user in form.fields["user"].queryset.select_related("unit", "enterprise"):
        items.append({"kind": "user", "id": user.pk, "label": str(user),
                      "hint": str(user.unit or user.enterprise or user.get_role_display())})
    for enterprise in form.fields["enterprise"].queryset.only("pk", "name", "credit_code"):
        items.append({"kind": "enterprise", "id": enterprise.pk, "label": enterprise.name,
                      "hint": enterprise.credit_code})
    suggested = [("enterprise", alert.enterprise_id), ("unit", alert.unit_id)]
    suggested += [("enterprise", pk) for pk in alert.concerned_enterprises.values_list(
        "pk", flat=True) if pk != alert.enterprise_id]
    if alert.enterprise_id:  # the enterprise's own unit, then its contacts
        enterprise_unit = Enterprise.objects.filter(pk=alert.enterprise_id).values_list(
            "unit_id", flat=True).first()
        suggested.append(("unit", enterprise_unit))
        suggested += [("user", pk) for pk in User.objects.filter(
            enterprise_id=alert.enterprise_id, is_active=True).values_list("pk", flat=True)]
    first = [f"{kind}:{pk}" for kind, pk in dict.fromkeys(suggested) if pk]
    return {"items": items, "suggested": first}


def history_of(obj: Model) -> QuerySet[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))


def places_geojson(kinds: tuple[str, ...] = ("zone", "area", "block")) -> dict:
    features = []
    for place in Place.objects.filter(kind__in=kinds).select_related("parent"):
        features.append({
            "type": "Feature",
            "id": place.code,
            "geometry": place.geometry,
            "properties": {"code": place.code, "name": place.name, "kind": place.kind,
                           "parent": place.parent.code if place.parent else None},
        })
    return {"type": "FeatureCollection", "features": features}


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def users_for(user: User) -> QuerySet[User]:
    if not perm.can_manage_registry(user):
        return User.objects.none()
    return User.objects.select_related("unit", "enterprise")
