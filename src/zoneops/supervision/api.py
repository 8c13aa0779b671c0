"""Supervision API: the same selectors, services and permission rules as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from zoneops.core.api import ERRORS, HistoryOut
from zoneops.core.selectors import history_of

from . import permissions as perm
from . import selectors, services
from .models import Instruction, Item, Report

router = Router(tags=["supervision"])


class ListOut(Schema):
    id: int
    name: str
    kind: str
    year: int


class ItemOut(Schema):
    id: int
    list_id: int = Field(..., alias="supervision_list_id")
    list_name: str = Field(..., alias="supervision_list.name")
    code: str
    domain: str
    title: str
    target: str
    leader_name: str
    lead_unit_id: int
    lead_unit: str = Field(..., alias="lead_unit.name")
    deadline: date | None
    deadline_text: str
    progress: int
    status: str
    bucket: str
    light: str
    light_rule: str
    light_reason: str
    light_why: str

    @staticmethod
    def resolve_light_why(obj: Item) -> str:
        return services.describe(obj.light_reason, obj.light_inputs.get("params", {}),
                                 on=services.today())


class NodeOut(Schema):
    id: int
    seq: int
    planned_date: date
    original_date: date | None
    deliverable: str
    actual_date: date | None
    evidence: str


class LineIn(Schema):
    node_id: int
    actual_date: date | None = None
    evidence: str = ""
    note: str = ""


class LineOut(Schema):
    node_id: int
    actual_date: date | None
    evidence: str
    note: str


class ReportIn(Schema):
    period: str
    progress: int
    summary: str
    difficulties: str = ""
    funds_used: Decimal | None = None
    lines: list[LineIn] = []


class ReportOut(Schema):
    id: int
    item_id: int
    period: str
    progress: int
    summary: str
    difficulties: str
    status: str
    return_reason: str
    submitted_at: datetime
    reviewed_at: datetime | None
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Report) -> list[Any]:
        return list(obj.lines.all())


class TextIn(Schema):
    text: str


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class LightIn(Schema):
    light: str = ""
    reason: str


class InstructionOut(Schema):
    id: int
    item_id: int
    text: str
    created_at: datetime
    answer: str
    answered_at: datetime | None


def _item(request, item_id: int) -> Item:
    item = selectors.item_for(request.user, item_id)
    if item is None:
        raise Http404
    return item


def _use(request) -> None:
    if not perm.can_use(request.user):
        raise PermissionDenied


@router.get("/lists", response={200: list[ListOut], **ERRORS})
def list_lists(request):
    _use(request)
    return selectors.lists_for(request.user)


@router.get("/items", response={200: list[ItemOut], **ERRORS})
def list_items(request, list: str = "", domain: str = "", unit: str = "", light: str = "",
               status: str = "", bucket: str = "", q: str = "", limit: int = 200,
               offset: int = 0):
    _use(request)
    params = {"list": list, "domain": domain, "unit": unit, "light": light, "status": status,
              "bucket": bucket, "q": q}
    qs = selectors.filter_items(selectors.items_for(request.user), params).order_by(
        "supervision_list_id", "sort_code")
    offset = max(0, offset)
    return qs[offset: offset + max(1, min(limit, 1000))]


@router.get("/items/{item_id}", response={200: ItemOut, **ERRORS})
def get_item(request, item_id: int):
    return _item(request, item_id)


@router.get("/items/{item_id}/nodes", response={200: list[NodeOut], **ERRORS})
def item_nodes(request, item_id: int):
    return _item(request, item_id).nodes.all()


@router.get("/items/{item_id}/history", response={200: list[HistoryOut], **ERRORS})
def item_history(request, item_id: int):
    return history_of(_item(request, item_id))[:200]


@router.get("/items/{item_id}/reports", response={200: list[ReportOut], **ERRORS})
def item_reports(request, item_id: int):
    return _item(request, item_id).reports.prefetch_related("lines")


@router.post("/items/{item_id}/reports", response={201: ReportOut, **ERRORS})
def submit_report(request, item_id: int, payload: ReportIn):
    item = _item(request, item_id)
    report = services.submit_report(
        request.user, item, period=payload.period, progress=payload.progress,
        summary=payload.summary, difficulties=payload.difficulties,
        funds_used=payload.funds_used, lines=[line.dict() for line in payload.lines])
    return 201, report


def _report(request, report_id: int) -> Report:
    report = get_object_or_404(Report, pk=report_id)
    _item(request, report.item_id)
    return report


@router.post("/reports/{report_id}/accept", response={200: ReportOut, **ERRORS})
def accept_report(request, report_id: int, payload: NoteIn):
    return services.accept_report(request.user, _report(request, report_id),
                                  note=payload.note)


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS})
def return_report(request, report_id: int, payload: ReasonIn):
    return services.return_report(request.user, _report(request, report_id),
                                  reason=payload.reason)


@router.post("/items/{item_id}/instructions", response={201: InstructionOut, **ERRORS})
def instruct(request, item_id: int, payload: TextIn):
    return 201, services.instruct(request.user, _item(request, item_id), text=payload.text)


@router.post("/instructions/{instruction_id}/answer", response={200: InstructionOut, **ERRORS})
def answer(request, instruction_id: int, payload: TextIn):
    instruction = get_object_or_404(Instruction, pk=instruction_id)
    _item(request, instruction.item_id)
    return services.answer_instruction(request.user, instruction, text=payload.text)


@router.post("/items/{item_id}/light", response={200: ItemOut, **ERRORS})
def manual_light(request, item_id: int, payload: LightIn):
    return services.set_manual_light(request.user, _item(request, item_id),
                                     light=payload.light, reason=payload.reason)


@router.get("/dashboard", response={200: dict, **ERRORS})
def dashboard(request, month: str = ""):
    _use(request)
    if not services.PERIOD.match(month):
        month = services.today().strftime("%Y-%m")
    data = selectors.dashboard(request.user, month)
    return {
        "month": month, "total": data["total"], "totals": data["totals"],
        "by_list": data["by_list"], "by_domain": data["by_domain"], "lights": data["lights"],
        "ranking": [{"unit_id": s.unit_id, "unit": s.name, "rank": s.rank, "score": s.score,
                     "total": s.total, "behind": s.behind, "change": s.change}
                    for s in data["ranking"]],
        "red": [i.pk for i, _r in data["red"]], "yellow": [i.pk for i, _r in data["yellow"]],
    }
