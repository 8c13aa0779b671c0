"""Core API: the same selectors, services and permission rules as the pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from . import permissions as perm
from . import selectors
from .models import Alert, Enterprise, Notification, Place, Unit, User
from .services import alerts as alert_services
from .services import notify as notify_services
from .services import org as org_services

router = Router(tags=["core"])


class Me(Schema):
    id: int
    username: str
    full_name: str
    role: str
    unit_id: int | None
    enterprise_id: int | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    leader_id: int | None
    is_active: bool
    aliases: list[str]

    @staticmethod
    def resolve_aliases(obj: Unit) -> list[str]:
        return [a.alias for a in obj.aliases.all()]


class UnitIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=100)
    short_name: str = ""
    kind: str = Unit.Kind.DEPARTMENT
    parent_id: int | None = None
    leader_id: int | None = None
    is_active: bool = True
    sort_order: int = Field(0, ge=0)
    aliases: list[str] | None = None


class UnitPatch(Schema):
    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    kind: str | None = None
    parent_id: int | None = None
    leader_id: int | None = None
    is_active: bool | None = None
    sort_order: int | None = Field(None, ge=0)
    aliases: list[str] | None = None


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    industry: str
    block: str | None = Field(None, alias="block.code")
    unit_id: int | None
    in_chemical_park: bool
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    contact_name: str
    contact_phone: str
    is_active: bool


class EnterpriseIn(Schema):
    credit_code: str
    name: str = Field(..., max_length=200)
    industry: str = ""
    block: str | None = None
    unit_id: int | None = None
    in_chemical_park: bool = False
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    contact_name: str = ""
    contact_phone: str = ""
    is_active: bool = True


class EnterprisePatch(Schema):
    credit_code: str | None = None
    name: str | None = None
    industry: str | None = None
    block: str | None = None
    unit_id: int | None = None
    in_chemical_park: bool | None = None
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    is_active: bool | None = None


class AlertOut(Schema):
    id: int
    module: str
    key: str
    level: int
    title: str
    detail: str
    status: str
    unit_id: int | None
    enterprise_id: int | None
    assignee_unit_id: int | None
    assignee_user_id: int | None
    assignee_enterprise_id: int | None
    feedback: str
    raised_at: datetime
    acknowledged_at: datetime | None
    assigned_at: datetime | None
    handled_at: datetime | None
    handled_by_id: int | None
    closed_at: datetime | None
    closed_by_id: int | None
    resolve_due_at: datetime | None
    escalated_at: datetime | None
    cause_cleared_at: datetime | None
    data: dict[str, Any]


class NoteIn(Schema):
    note: str = ""


class AssignIn(Schema):
    unit_id: int | None = None
    user_id: int | None = None
    enterprise_id: int | None = None
    note: str = ""


class HandleIn(Schema):
    feedback: str


class ReasonIn(Schema):
    reason: str


class HistoryOut(Schema):
    at: datetime
    actor_name: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _lookup(model, pk: int | None, field: str):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: f"no {model._meta.model_name} with id {pk}"})
    return obj


@router.get("/me", response={200: Me, **ERRORS})
def me(request):
    return request.user


# --- units ------------------------------------------------------------------------------------

def _unit_data(payload: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
    aliases = payload.pop("aliases", None)
    if "parent_id" in payload:
        payload["parent"] = _lookup(Unit, payload.pop("parent_id"), "parent_id")
    if "leader_id" in payload:
        payload["leader"] = _lookup(User, payload.pop("leader_id"), "leader_id")
    return payload, aliases


@router.get("/units", response={200: list[UnitOut], **ERRORS})
def list_units(request):
    if not perm.is_internal(request.user):
        raise PermissionDenied
    return selectors.units_for(request.user)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request, unit_id: int):
    return get_object_or_404(selectors.units_for(request.user), pk=unit_id)


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request, payload: UnitIn):
    data, aliases = _unit_data(payload.dict())
    return 201, org_services.create_unit(request.user, data, aliases=aliases)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def update_unit(request, unit_id: int, payload: UnitPatch):
    perm.require(perm.can_manage_registry(request.user))
    unit = get_object_or_404(Unit, pk=unit_id)
    data, aliases = _unit_data(payload.dict(exclude_unset=True))
    return org_services.update_unit(request.user, unit, data, aliases=aliases)


# --- enterprises ------------------------------------------------------------------------------

def _enterprise_data(payload: dict[str, Any]) -> dict[str, Any]:
    if "block" in payload:
        code = payload.pop("block")
        payload["block"] = None
        if code:
            payload["block"] = Place.objects.filter(code=code, kind=Place.Kind.BLOCK).first()
            if payload["block"] is None:
                raise ValidationError({"block": f"no block with code {code}"})
    if "unit_id" in payload:
        payload["unit"] = _lookup(Unit, payload.pop("unit_id"), "unit_id")
    return payload


@router.get("/enterprises", response={200: list[EnterpriseOut], **ERRORS})
def list_enterprises(request, q: str = "", block: str = ""):
    if perm.role_of(request.user) is None:
        raise PermissionDenied
    qs = selectors.enterprises_for(request.user)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(credit_code__icontains=q)
    if block:
        qs = qs.filter(block__code=block)
    return qs.order_by("name")


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS})
def get_enterprise(request, enterprise_id: int):
    return get_object_or_404(selectors.enterprises_for(request.user), pk=enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def create_enterprise(request, payload: EnterpriseIn):
    perm.require(perm.can_manage_registry(request.user))
    return 201, org_services.create_enterprise(request.user, _enterprise_data(payload.dict()))


@router.patch("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS})
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    perm.require(perm.can_manage_registry(request.user))
    enterprise = get_object_or_404(Enterprise, pk=enterprise_id)
    return org_services.update_enterprise(
        request.user, enterprise, _enterprise_data(payload.dict(exclude_unset=True)))


@router.get("/places", response={200: dict, **ERRORS})
def places(request):
    if not perm.is_internal(request.user):
        raise PermissionDenied
    return selectors.places_geojson()


# --- alerts -----------------------------------------------------------------------------------

def _alert(request, alert_id: int) -> Alert:
    alert = selectors.alerts_for(request.user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return alert


@router.get("/alerts", response={200: list[AlertOut], **ERRORS})
def list_alerts(request, box: str = "open", level: int | None = None, limit: int = 100):
    if box not in {"mine", "unit", "open", "all"}:
        raise ValidationError({"box": "one of mine, unit, open, all"})
    qs = selectors.alert_inbox(request.user, box)
    if level is not None:
        qs = qs.filter(level=level)
    return qs[: max(1, min(limit, 1000))]


@router.get("/alerts/{alert_id}", response={200: AlertOut, **ERRORS})
def get_alert(request, alert_id: int):
    return _alert(request, alert_id)


@router.get("/alerts/{alert_id}/history", response={200: list[HistoryOut], **ERRORS})
def alert_history(request, alert_id: int):
    return selectors.history_of(_alert(request, alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, **ERRORS})
def acknowledge_alert(request, alert_id: int, payload: NoteIn):
    return alert_services.acknowledge(request.user, _alert(request, alert_id),
                                      note=payload.note)


@router.post("/alerts/{alert_id}/assign", response={200: AlertOut, **ERRORS})
def assign_alert(request, alert_id: int, payload: AssignIn):
    alert = _alert(request, alert_id)
    return alert_services.assign(
        request.user, alert, unit=_lookup(Unit, payload.unit_id, "unit_id"),
        user=_lookup(User, payload.user_id, "user_id"),
        enterprise=_lookup(Enterprise, payload.enterprise_id, "enterprise_id"),
        note=payload.note)


@router.post("/alerts/{alert_id}/handle", response={200: AlertOut, **ERRORS})
def handle_alert(request, alert_id: int, payload: HandleIn):
    return alert_services.handle(request.user, _alert(request, alert_id),
                                 feedback=payload.feedback)


@router.post("/alerts/{alert_id}/close", response={200: AlertOut, **ERRORS})
def close_alert(request, alert_id: int, payload: NoteIn):
    return alert_services.close(request.user, _alert(request, alert_id), note=payload.note)


@router.post("/alerts/{alert_id}/reopen", response={200: AlertOut, **ERRORS})
def reopen_alert(request, alert_id: int, payload: ReasonIn):
    return alert_services.reopen(request.user, _alert(request, alert_id), reason=payload.reason)


# --- notifications ----------------------------------------------------------------------------

@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def list_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs[:200]


@router.post("/notifications/read", response={200: dict, **ERRORS})
def read_notifications(request):
    return {"marked": notify_services.mark_read(request.user)}
