"""Every write of the three lists: transactional, permission-checked, audited.

Pages, API, the importer, the CLI and the demo call these functions and nothing else."""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zoneops.core import permissions as core_perm
from zoneops.core.models import Alert, Role, Unit, User
from zoneops.core.services import alerts as core_alerts
from zoneops.core.services.audit import entry, record, record_all, save_audited, snapshot
from zoneops.core.services.notify import notify
from zoneops.core.services.org import create_unit

from . import lights
from . import permissions as perm
from .audit import SupervisionAction
from .models import (
    Attachment,
    Comment,
    Extension,
    Instruction,
    Item,
    Light,
    LightRecord,
    Node,
    Notice,
    Problem,
    ReminderSent,
    Report,
    ReportLine,
    SupervisionList,
)

ALERT_MODULE = "supervision"
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
RULES_FILE = Path(__file__).with_name("data") / "light_rules.json"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


@lru_cache(maxsize=1)
def light_config() -> lights.LightConfig:
    return lights.LightConfig.from_dict(json.loads(RULES_FILE.read_text(encoding="utf-8")))


_AS_OF: contextvars.ContextVar[date | None] = contextvars.ContextVar("as_of", default=None)


def today() -> date:
    """The services' "today": the local date, or the day being replayed (see as_of)."""
    return _AS_OF.get() or timezone.localdate()


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Run services as if it were `day` (the demo replays a year month by month this way)."""
    token = _AS_OF.set(day)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def _require(allowed: bool, what: str) -> None:
    core_perm.require(allowed, f"you may not {what}")


def _unit_staff(unit: Unit | None) -> list[User]:
    if unit is None:
        return []
    return list(User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit=unit))


def _link(item: Item) -> str:
    return reverse("supervision:item-detail", args=[item.pk])


# --- lists and items ----------------------------------------------------------------------------

@transaction.atomic
def create_list(actor: User, data: Mapping[str, Any]) -> SupervisionList:
    """A new list (office): name, kind, year, description, sort order."""
    _require(perm.can_manage(actor), "manage supervision lists")
    return save_audited(actor, SupervisionList(), dict(data))


@transaction.atomic
def update_list(actor: User, supervision_list: SupervisionList,
                data: Mapping[str, Any]) -> SupervisionList:
    _require(perm.can_manage(actor), "manage supervision lists")
    if supervision_list.pk is None:
        raise ValueError("update a saved list; create_list makes a new one")
    return save_audited(actor, supervision_list, dict(data))


def save_list(actor: User, data: Mapping[str, Any],
              existing: SupervisionList | None = None) -> SupervisionList:
    """Create or update in one call: kept for callers outside these rooms (the importer)
    until they move to create_list / update_list."""
    if existing is not None and existing.pk:
        return update_list(actor, existing, data)
    return create_list(actor, data)


ITEM_FIELDS = {"code", "domain", "title", "target", "leader_name", "lead_unit", "owner_name",
               "start_date", "deadline", "deadline_text", "status", "is_published",
               "supervision_list", "funds_used"}


def create_item(actor: User, data: Mapping[str, Any], *,
                co_units: list[Unit] | None = None,
                nodes: list[dict[str, Any]] | None = None, recompute: bool = True) -> Item:
    """A new item (office) with its cooperating units and nodes; its light computed unless
    `recompute` is False (a caller that recomputes once at the end)."""
    return _write_item(actor, data, Item(), co_units=co_units, nodes=nodes,
                       recompute=recompute)


def update_item(actor: User, item: Item, data: Mapping[str, Any], *,
                co_units: list[Unit] | None = None, recompute: bool = True) -> Item:
    """Change an item (office); `co_units`, when given, replace its cooperating units."""
    if item.pk is None:
        raise ValueError("update a saved item; create_item makes a new one")
    return _write_item(actor, data, item, co_units=co_units, recompute=recompute)


def save_item(actor: User, data: Mapping[str, Any], existing: Item | None = None, *,
              co_units: list[Unit] | None = None,
              nodes: list[dict[str, Any]] | None = None, recompute: bool = True) -> Item:
    """Create or update in one call: kept for callers outside these rooms until they move to
    create_item / update_item."""
    return _write_item(actor, data, existing or Item(), co_units=co_units, nodes=nodes,
                       recompute=recompute)


@transaction.atomic
def _write_item(actor: User, data: Mapping[str, Any], item: Item, *,
                co_units: list[Unit] | None, nodes: list[dict[str, Any]] | None = None,
                recompute: bool) -> Item:
    _require(perm.can_manage(actor), "manage supervision items")
    unknown = set(data) - ITEM_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    creating = item.pk is None
    if creating and "lead_unit" not in data:
        raise ValidationError({"lead_unit": _("A lead unit is required.")})
    # Code uniqueness per list gets a message naming the field, not a database error.
    code, lst = data.get("code", item.code), data.get("supervision_list")
    lst_id = lst.pk if lst is not None else item.supervision_list_id
    if code and lst_id and Item.objects.filter(supervision_list_id=lst_id, code=code).exclude(
            pk=item.pk).exists():
        raise ValidationError({"code": _("Code %(code)s is already used in this list.")
                               % {"code": code}})
    item = save_audited(actor, item, dict(data))
    if co_units is not None:
        before = sorted(u.name for u in item.co_units.all()) if not creating else []
        item.co_units.set(co_units)
        after = sorted(u.name for u in co_units)
        if before != after:
            record(actor, SupervisionAction.SET_COOPERATING_UNITS, item, {"co_units": before},
                   {"co_units": after})
    for spec in nodes or []:
        add_node(actor, item, **spec)
    if recompute:
        recompute_light(item)
    return item


@transaction.atomic
def add_node(actor: User, item: Item, *, planned_date: date, deliverable: str,
             planned_text: str = "", actual_date: date | None = None,
             evidence: str = "") -> Node:
    _require(perm.can_manage(actor), "add nodes")
    seq = (item.nodes.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return save_audited(actor, Node(item=item, seq=seq), {
        "planned_date": planned_date, "deliverable": deliverable, "planned_text": planned_text,
        "actual_date": actual_date, "evidence": evidence})


# --- progress reports ---------------------------------------------------------------------------

def _clean_report(item: Item, period: str, progress: Any, summary: str,
                  lines: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    if not PERIOD.match(period or ""):
        errors["period"] = [_("Write the period as YYYY-MM.")]
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = [_("Progress is a whole number from 0 to 100.")]
    if not (summary or "").strip():
        errors["summary"] = [_("Say what was done this period.")]
    nodes = {n.pk: n for n in item.nodes.all()}
    by_node: dict[int, dict[str, Any]] = {}
    for line in lines:
        node_id = line.get("node_id") or getattr(line.get("node"), "pk", None)
        if node_id not in nodes:
            errors.setdefault("nodes", []).append(_("Node %(id)s is not a node of this item.")
                                                  % {"id": node_id})
            continue
        if node_id in by_node:
            errors.setdefault("nodes", []).append(_("Node %(seq)s appears twice.")
                                                  % {"seq": nodes[node_id].seq})
            continue
        actual = line.get("actual_date")
        if actual and actual > today():
            errors[f"node_{nodes[node_id].seq}_actual_date"] = [
                _("Node %(seq)s: the actual date cannot be in the future.")
                % {"seq": nodes[node_id].seq}]
        by_node[node_id] = line
    if errors:
        raise ValidationError(errors)
    return by_node


@transaction.atomic
def submit_report(actor: User, item: Item, *, period: str, progress: int, summary: str,
                  difficulties: str = "", funds_used: Decimal | None = None,
                  lines: list[dict[str, Any]] | None = None) -> Report:
    """One report per item per period. A returned report is corrected and submitted again;
    a submitted or accepted one cannot be filed twice."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _require(perm.can_report(actor, item), "report on this item")
    by_node = _clean_report(item, period, progress, summary, lines or [])
    report = item.reports.filter(period=period).first()
    if report is not None and report.status != Report.Status.RETURNED:
        raise ValidationError({"period": _("A report for %(period)s is already %(status)s.")
                               % {"period": period, "status": report.get_status_display()}})
    action = "resubmit" if report is not None else "submit"
    report = save_audited(actor, report or Report(item=item, period=period), {
        "progress": progress, "summary": summary.strip(), "difficulties": difficulties.strip(),
        "funds_used": funds_used, "status": Report.Status.SUBMITTED, "submitted_by": actor,
        "submitted_at": timezone.now(), "reviewed_by": None, "reviewed_at": None}, action=action)
    report.lines.all().delete()
    ReportLine.objects.bulk_create([
        ReportLine(report=report, node_id=node_id, actual_date=line.get("actual_date"),
                   evidence=(line.get("evidence") or "").strip(),
                   note=(line.get("note") or "").strip()[:300])
        for node_id, line in by_node.items()])
    if by_node:
        seqs = dict(item.nodes.values_list("pk", "seq"))
        record(actor, SupervisionAction.REPORT_NODES, report, None, {"nodes": [
            {"node": seqs[node_id], "actual_date": line.get("actual_date"),
             "evidence": line.get("evidence") or "", "note": line.get("note") or ""}
            for node_id, line in by_node.items()]})
    if item.status == Item.Status.ASSIGNED:
        save_audited(actor, item, {"status": Item.Status.IN_PROGRESS})
    notify(title=_("Progress report to review: %(code)s %(period)s")
           % {"code": item.code, "period": period}, link=_link(item),
           users=User.objects.filter(is_active=True, role=Role.OFFICE))
    return report


@transaction.atomic
def accept_report(actor: User, report: Report, *, note: str = "") -> Report:
    """The office accepts: the report's figures and node dates become the item's."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    item = report.item
    _require(perm.can_review(actor, item), "review reports")
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be accepted.")})
    report = save_audited(actor, report, {"status": Report.Status.ACCEPTED, "reviewed_by": actor,
                                          "reviewed_at": timezone.now()},
                          reason=note, action=SupervisionAction.ACCEPT)
    for line in report.lines.select_related("node"):
        changes = {}
        if line.actual_date and line.node.actual_date != line.actual_date:
            changes["actual_date"] = line.actual_date
        if line.evidence and line.node.evidence != line.evidence:
            changes["evidence"] = line.evidence
        if changes:
            save_audited(actor, line.node, changes, action=SupervisionAction.UPDATE_FROM_REPORT)
    all_met = not item.nodes.filter(actual_date__isnull=True).exists()
    changes = {"progress": report.progress}
    if report.funds_used is not None:
        changes["funds_used"] = report.funds_used
    if report.progress == 100 and all_met:
        changes["status"] = Item.Status.DONE
    save_audited(actor, item, changes, action=SupervisionAction.UPDATE_FROM_REPORT)
    recompute_light(item)
    notify(title=_("Report accepted: %(code)s %(period)s")
           % {"code": item.code, "period": report.period}, link=_link(item),
           users=[report.submitted_by])
    return report


@transaction.atomic
def return_report(actor: User, report: Report, *, reason: str) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(perm.can_review(actor, report.item), "review reports")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the report is returned.")})
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be returned.")})
    report = save_audited(actor, report, {
        "status": Report.Status.RETURNED, "return_reason": reason.strip(),
        "reviewed_by": actor, "reviewed_at": timezone.now()}, reason=reason.strip(),
        action=SupervisionAction.RETURN)
    notify(title=_("Report returned: %(code)s %(period)s")
           % {"code": report.item.code, "period": report.period}, body=reason,
           link=_link(report.item), users=[report.submitted_by])
    return report


# --- problems, instructions, input, attachments ------------------------------------------------

@transaction.atomic
def add_problem(actor: User, item: Item, *, description: str, owner: str = "",
                due_date: date | None = None, raised_at: date | None = None) -> Problem:
    _require(perm.can_report(actor, item) or perm.can_manage(actor), "record problems")
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the problem.")})
    return save_audited(actor, Problem(item=item), {
        "description": description.strip(), "owner": owner, "due_date": due_date,
        "raised_at": raised_at or today()})


@transaction.atomic
def solve_problem(actor: User, problem: Problem, *, solution: str,
                  solved_at: date | None = None) -> Problem:
    _require(perm.can_report(actor, problem.item) or perm.can_manage(actor), "solve problems")
    if problem.solved_at:
        raise ValidationError({"solved_at": _("This problem is already solved.")})
    if not (solution or "").strip():
        raise ValidationError({"solution": _("Say how it was solved.")})
    return save_audited(actor, problem, {"solution": solution.strip(),
                                         "solved_at": solved_at or today()},
                        action=SupervisionAction.SOLVE)


@transaction.atomic
def instruct(actor: User, item: Item, *, text: str,
             at: datetime | None = None) -> Instruction:
    _require(perm.can_instruct(actor, item), "write instructions")
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the instruction.")})
    instruction = save_audited(actor, Instruction(item=item, leader=actor), {
        "text": text.strip(), "created_at": at or timezone.now()})
    notify(title=_("Leader instruction on %(code)s") % {"code": item.code}, body=text,
           link=_link(item), users=_unit_staff(item.lead_unit), units=[item.lead_unit])
    return instruction


@transaction.atomic
def answer_instruction(actor: User, instruction: Instruction, *, text: str,
                       at: datetime | None = None) -> Instruction:
    _require(perm.can_answer(actor, instruction.item), "answer this instruction")
    if not (text or "").strip():
        raise ValidationError({"answer": _("Write the answer.")})
    instruction = save_audited(actor, instruction, {
        "answer": text.strip(), "answered_by": actor, "answered_at": at or timezone.now()},
        action=SupervisionAction.ANSWER)
    notify(title=_("Answer to your instruction on %(code)s") % {"code": instruction.item.code},
           body=text, link=_link(instruction.item), users=[instruction.leader])
    return instruction


@transaction.atomic
def add_comment(actor: User, item: Item, *, text: str) -> Comment:
    _require(perm.can_comment(actor, item), "add input to this item")
    if not (text or "").strip():
        raise ValidationError({"text": _("Write something.")})
    return save_audited(actor, Comment(item=item, author=actor, unit=actor.unit), {
        "text": text.strip(), "created_at": timezone.now()})


@transaction.atomic
def add_attachment(actor: User, item: Item, *, upload: UploadedFile) -> Attachment:
    _require(perm.can_report(actor, item) or perm.can_manage(actor), "attach files")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("A file may be at most 20 MB.")})
    return save_audited(actor, Attachment(item=item, uploaded_by=actor), {
        "file": upload, "name": upload.name[:200], "uploaded_at": timezone.now()})


# --- extensions ---------------------------------------------------------------------------------

@transaction.atomic
def request_extension(actor: User, node: Node, *, new_date: date, reason: str,
                      current_progress: str, on: date | None = None) -> Extension:
    item = node.item
    _require(perm.can_request_extension(actor, item), "request an extension")
    on = on or today()
    errors = {}
    if node.actual_date:
        errors["node"] = [_("This node is already met.")]
    elif on > node.planned_date:
        errors["node"] = [_("An extension must be requested before the node is due "
                            "(%(date)s).") % {"date": node.planned_date}]
    if new_date <= node.planned_date:
        errors["new_date"] = [_("The new date must be later than the current one.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give a reason.")]
    if not (current_progress or "").strip():
        errors["current_progress"] = [_("Describe the current progress.")]
    if node.extensions.filter(status=Extension.Status.PENDING).exists():
        errors["node"] = [_("An extension for this node is already waiting for approval.")]
    if errors:
        raise ValidationError(errors)
    steps = (["unit_leader"] if item.lead_unit.leader_id else []) + ["office"]
    if item.deadline and new_date > item.deadline:
        steps.append("leader")
    extension = save_audited(actor, Extension(node=node, requested_by=actor), {
        "original_date": node.original_date or node.planned_date, "new_date": new_date,
        "reason": reason.strip(), "current_progress": current_progress.strip(),
        "steps": steps, "step": steps[0], "requested_at": timezone.now()},
        reason=reason.strip(), action=SupervisionAction.REQUEST_EXTENSION)
    _notify_step(extension)
    return extension


def _notify_step(extension: Extension) -> None:
    item = extension.node.item
    if extension.step == "unit_leader":
        users = [item.lead_unit.leader] if item.lead_unit.leader else []
    elif extension.step == "office":
        users = list(User.objects.filter(is_active=True, role=Role.OFFICE))
    else:
        users = list(User.objects.filter(is_active=True, role=Role.LEADER))
    notify(title=_("Extension request on %(code)s waits for you") % {"code": item.code},
           body=extension.reason, link=_link(item), users=users)


@transaction.atomic
def decide_extension(actor: User, extension: Extension, *, approve: bool,
                     note: str = "") -> Extension:
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError({"status": _("This request is already decided.")})
    _require(perm.can_decide_extension(actor, extension), "decide this step")
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Say why the request is refused.")})
    before = snapshot(extension)
    extension.decisions = [*extension.decisions, {
        "step": extension.step, "by": str(actor), "at": timezone.now().isoformat(),
        "approve": approve, "note": note}]
    if not approve:
        extension.status, extension.step = Extension.Status.REJECTED, ""
    else:
        index = extension.steps.index(extension.step)
        if index + 1 < len(extension.steps):
            extension.step = extension.steps[index + 1]
        else:
            extension.status, extension.step = Extension.Status.APPROVED, ""
    extension.save()
    record(actor, "approve step" if approve else "reject", extension, before,
           snapshot(extension), reason=note)
    node = extension.node
    if extension.status == Extension.Status.APPROVED:
        save_audited(actor, node, {"original_date": node.original_date or node.planned_date,
                                   "planned_date": extension.new_date},
                     reason=extension.reason, action=SupervisionAction.EXTEND)
        recompute_light(node.item)
    if extension.status == Extension.Status.PENDING:
        _notify_step(extension)
    else:
        notify(title=_("Extension request on %(code)s: %(status)s")
               % {"code": node.item.code, "status": extension.get_status_display()},
               body=note, link=_link(node.item), users=[extension.requested_by])
    return extension


# --- lights -------------------------------------------------------------------------------------

def _facts(item: Item) -> tuple[list[lights.NodeFact], list[lights.NoticeFact]]:
    rows = list(item.nodes.all())
    nodes = [lights.NodeFact(n.seq, n.planned_date, n.actual_date) for n in rows]
    seqs = {n.pk: n.seq for n in rows}
    notices = [lights.NoticeFact(n.level, n.issued_on, seqs.get(n.node_id))
               for n in item.notices.all()]
    return nodes, notices


@transaction.atomic
def recompute_light(item: Item, *, on: date | None = None, actor: Any = "system") -> Item:
    """Run the engine on the item's facts; store the result and, when it changed, a record of
    the rule and inputs. A red item raises a core alert to its lead unit; green clears it."""
    on = on or today()
    nodes, notices = _facts(item)
    done = item.status == Item.Status.DONE
    manual = (item.manual_light, item.manual_reason) if item.manual_light else None
    result = lights.evaluate(on, nodes, done=done, manual=manual, notices=notices,
                             config=light_config())
    new_bucket = lights.bucket(on, nodes, done)
    inputs = {**result.inputs, "params": result.params}
    changed = (item.light, item.light_rule, item.light_reason) != (
        result.light, result.rule, result.reason)
    if changed or item.bucket != new_bucket:
        previous = item.light
        Item.objects.filter(pk=item.pk).update(
            light=result.light, light_rule=result.rule, light_reason=result.reason,
            light_inputs=inputs, bucket=new_bucket, updated_at=timezone.now())
        item.light, item.light_rule, item.light_reason = result.light, result.rule, result.reason
        item.light_inputs, item.bucket = inputs, new_bucket
        if changed:
            LightRecord.objects.create(item=item, light=result.light, rule=result.rule,
                                       reason=result.reason, inputs=inputs, on=on,
                                       at=timezone.now())
            if previous != result.light:
                record(actor, SupervisionAction.LIGHT, item, {"light": previous},
                       {"light": result.light},
                       reason=describe(result.reason, result.params))
        _sync_alert(item, previous, result)
    return item


# The light engine's reasons, worded (English source text, translated by the catalogue).
REASONS = {
    "done": gettext_noop("The item is done."),
    "manual": gettext_noop("Set by hand: %(reason)s"),
    "node_overdue": gettext_noop("Node %(seq)s (due %(planned)s) is %(days)s days overdue."),
    "node_due_soon": gettext_noop("Node %(seq)s is due on %(planned)s, in %(days)s days."),
    "caught_up_late": gettext_noop("Node %(seq)s was met late on %(actual)s (due %(planned)s)."),
    "notice": gettext_noop("Supervision notice %(level)s issued on %(issued)s."),
    "on_track": gettext_noop("Every node due so far was met."),
}


def describe(reason: str, params: dict[str, Any]) -> str:
    """The engine's sentence in the current language."""
    template = REASONS.get(reason, reason)
    try:
        return _(template) % params if params else _(template)
    except (KeyError, TypeError, ValueError):
        return template


def _sync_alert(item: Item, previous: str, result: lights.LightResult) -> None:
    key = f"item:{item.pk}"
    if result.light == lights.RED:
        core_alerts.raise_alert(
            module=ALERT_MODULE, key=key, level=Alert.Level.RED,
            title=_("Red light: %(code)s %(title)s") % {"code": item.code, "title": item.title},
            detail=describe(result.reason, result.params), source=item, unit=item.lead_unit,
            data={"item": item.pk, "rule": result.rule, "reason": result.reason,
                  "params": result.params})
    elif result.light == lights.GREEN and previous != lights.GREEN:
        core_alerts.resolve_alert(module=ALERT_MODULE, key=key,
                                  note=describe(result.reason, result.params))


@transaction.atomic
def set_manual_light(actor: User, item: Item, *, light: str, reason: str) -> Item:
    """The office sets a light by hand (or clears it with light=''), always with a reason."""
    _require(perm.can_manage(actor), "set lights by hand")
    if light and light not in Light.values:
        raise ValidationError({"light": _("Unknown light.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A manual light needs a reason.")})
    item = save_audited(actor, item, {"manual_light": light,
                                      "manual_reason": reason.strip() if light else ""},
                        reason=reason.strip(), action=SupervisionAction.MANUAL_LIGHT)
    return recompute_light(item, actor=actor)


REMINDER_TITLES = {
    "before": gettext_noop("Node due in %(days)s days: %(code)s %(deliverable)s"),
    "due": gettext_noop("Node due today: %(code)s %(deliverable)s"),
    "overdue": gettext_noop("Node %(days)s days overdue: %(code)s %(deliverable)s"),
}


def send_reminder(node: Node, *, kind: str, key: date, on: date) -> bool:
    """One reminder about a node, at most once per (node, kind, key): the unique row is written
    first, in the same transaction as the notification, so two runs at once cannot both send.
    False when it was sent already."""
    item = node.item
    try:
        with transaction.atomic():
            ReminderSent.objects.create(node=node, kind=kind, on=key)
            days = abs((node.planned_date - on).days)
            title = _(REMINDER_TITLES[kind]) % {"days": days, "code": item.code,
                                                "deliverable": node.deliverable}
            users = list(_unit_staff(item.lead_unit))
            if kind == "overdue" and item.lead_unit.leader_id:
                users.append(item.lead_unit.leader)  # escalation to the leader in charge
            notify(title=title, body=item.title, link=_link(item), users=users,
                   units=[item.lead_unit])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def issue_notice(item: Item, node: Node | None, *, level: str, on: date) -> Notice:
    """A numbered supervision slip to the lead unit (numbers run per year)."""
    last = (Notice.objects.select_for_update().filter(year=on.year)
            .order_by("-number").values_list("number", flat=True).first())
    text = (_("Node %(seq)s “%(deliverable)s” due %(date)s") % {
        "seq": node.seq, "deliverable": node.deliverable, "date": node.planned_date}
        if node else item.title)
    notice = Notice.objects.create(item=item, node=node, year=on.year, number=(last or 0) + 1,
                                   level=level, text=text[:300], issued_on=on)
    record("system", SupervisionAction.notice(level), item, None,
           {"notice": str(notice), "level": level})
    notify(title=_("%(notice)s (%(level)s): %(code)s %(title)s") % {
        "notice": str(notice), "level": Light(level).label, "code": item.code,
        "title": item.title}, body=text, link=_link(item),
        users=_unit_staff(item.lead_unit), units=[item.lead_unit])
    return notice


# --- import -------------------------------------------------------------------------------------

def _free_unit_code(used: set[str]) -> str:
    n = 1
    while f"S{n:03d}" in used:
        n += 1
    used.add(f"S{n:03d}")
    return f"S{n:03d}"


@transaction.atomic
def import_items(actor: User, plan: Any) -> SupervisionList:
    """Commit a validated import plan (importer.ImportPlan) in one transaction.

    Items and nodes are written in bulk (a 1,000-row list imports in seconds); each still gets
    its own audit entry with everything imported, and its light from the engine."""

    _require(perm.can_manage(actor), "import lists")
    if plan.problems:
        raise ValidationError(_("The spreadsheet has problems; nothing was imported."))
    lst = SupervisionList.objects.filter(name=plan.list_name, year=plan.year).first()
    if lst is None:
        from .importer import kind_for
        lst = create_list(actor, {"name": plan.list_name, "year": plan.year,
                                  "kind": kind_for(plan.list_name)})
    units = {u.name: u for u in Unit.objects.all()}
    used = set(Unit.objects.values_list("code", flat=True))
    for name in plan.units_to_create:
        units[name] = create_unit(actor, {"code": _free_unit_code(used), "name": name[:100]})
    on = today()
    config = light_config()
    items: list[Item] = []
    for p in plan.items:
        facts = [lights.NodeFact(i, n.planned_date) for i, n in enumerate(p.nodes, start=1)]
        result = lights.evaluate(on, facts, config=config)
        items.append(Item(
            supervision_list=lst, code=p.code, domain=p.domain, title=p.title, target=p.target,
            leader_name=p.leader_name, lead_unit=units[p.lead_unit], owner_name=p.owner_name,
            start_date=p.start_date, deadline=p.deadline, deadline_text=p.deadline_text[:100],
            light=result.light, light_rule=result.rule, light_reason=result.reason,
            light_inputs={**result.inputs, "params": result.params},
            bucket=lights.bucket(on, facts)))
    Item.objects.bulk_create(items, batch_size=500)
    if any(i.pk is None for i in items):  # databases that do not return ids from bulk inserts
        by_code = dict(lst.items.values_list("code", "pk"))
        for i in items:
            i.pk = by_code[i.code]
    through = Item.co_units.through
    through.objects.bulk_create([through(item_id=i.pk, unit_id=units[name].pk)
                                 for i, p in zip(items, plan.items, strict=True)
                                 for name in p.co_units], batch_size=1000)
    Node.objects.bulk_create([
        Node(item_id=i.pk, seq=seq, planned_date=n.planned_date, planned_text=n.text[:50],
             deliverable=n.deliverable[:300])
        for i, p in zip(items, plan.items, strict=True)
        for seq, n in enumerate(p.nodes, start=1)], batch_size=1000)
    now = timezone.now()
    LightRecord.objects.bulk_create([
        LightRecord(item_id=i.pk, light=i.light, rule=i.light_rule, reason=i.light_reason,
                    inputs=i.light_inputs, on=on, at=now) for i in items], batch_size=500)
    source = f"import {plan.list_name} {plan.year}"
    record_all([
        entry(actor, SupervisionAction.IMPORT, i, None,
              {**snapshot(i), "co_units": p.co_units, "row": f"{p.sheet}!{p.row}",
               "nodes": [{"planned_date": n.planned_date.isoformat(),
                          "deliverable": n.deliverable, "as_written": n.text}
                         for n in p.nodes]}, source)
        for i, p in zip(items, plan.items, strict=True)])
    record(actor, SupervisionAction.IMPORT, lst, None, {"items": len(items),
                                        "units_created": list(plan.units_to_create)},
           reason=source)
    # New items start from nothing: only red ones raise, all in one batch (one alert per
    # item, one statement per kind of write — 10,000 rows import in seconds).
    core_alerts.apply_causes([core_alerts.Raise(
        module=ALERT_MODULE, key=f"item:{i.pk}", level=Alert.Level.RED,
        title=_("Red light: %(code)s %(title)s") % {"code": i.code, "title": i.title},
        detail=describe(i.light_reason, i.light_inputs["params"]), source=i, unit=i.lead_unit,
        data={"item": i.pk, "rule": i.light_rule, "reason": i.light_reason,
              "params": i.light_inputs["params"]}) for i in items if i.light == lights.RED])
    return lst


# --- monthly unit standings ---------------------------------------------------------------------

@transaction.atomic
def record_month_stats(month: str, on: date | None = None) -> int:
    """Write every unit's standing for `month`, computed as of the month's last day (or `on`
    while the month runs) exactly as the monthly report computes it."""
    from .models import UnitMonthStat
    from .ranking import rank_units
    from .report import month_end, unit_counts_as_of

    if not PERIOD.match(month):
        raise ValidationError({"month": _("Write the month as YYYY-MM.")})
    day = min(month_end(month), on or today())
    items = Item.objects.exclude(status=Item.Status.CANCELLED).filter(
        supervision_list__year=day.year)
    standings = rank_units(unit_counts_as_of(items, day))
    UnitMonthStat.objects.filter(month=month).delete()
    UnitMonthStat.objects.bulk_create([
        UnitMonthStat(month=month, unit_id=s.unit_id, total=s.total, done=s.done, ahead=s.ahead,
                      on_schedule=s.on_schedule, behind=s.behind, score=Decimal(str(s.score)),
                      rank=s.rank) for s in standings])
    return len(standings)
