"""Problems, leaders' instructions, input, attachments and deadline extensions."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from zoneops.core.models import Role, User
from zoneops.core.models.alerts import choice_spec
from zoneops.core.services.audit import record, save_audited, snapshot
from zoneops.core.services.notify import notify

from .. import permissions as perm
from ..audit import SupervisionAction
from ..models import (
    Attachment,
    Comment,
    Extension,
    Instruction,
    Item,
    Node,
    Problem,
)
from . import base
from .base import MAX_ATTACHMENT_BYTES, item_link, require, told, unit_staff
from .lighting import recompute_light

# --- problems, instructions, input, attachments ------------------------------------------------

@transaction.atomic
def add_problem(actor: User, item: Item, *, description: str, owner: str = "",
                due_date: date | None = None, raised_at: date | None = None) -> Problem:
    require(perm.can_report(actor, item) or perm.can_manage(actor), "record problems")
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the problem.")})
    return save_audited(actor, Problem(item=item), {
        "description": description.strip(), "owner": owner, "due_date": due_date,
        "raised_at": raised_at or base.today()})


@transaction.atomic
def solve_problem(actor: User, problem: Problem, *, solution: str,
                  solved_at: date | None = None) -> Problem:
    require(perm.can_report(actor, problem.item) or perm.can_manage(actor), "solve problems")
    if problem.solved_at:
        raise ValidationError({"solved_at": _("This problem is already solved.")})
    if not (solution or "").strip():
        raise ValidationError({"solution": _("Say how it was solved.")})
    return save_audited(actor, problem, {"solution": solution.strip(),
                                         "solved_at": solved_at or base.today()},
                        action=SupervisionAction.SOLVE)


@transaction.atomic
def instruct(actor: User, item: Item, *, text: str,
             at: datetime | None = None) -> Instruction:
    require(perm.can_instruct(actor, item), "write instructions")
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the instruction.")})
    instruction = save_audited(actor, Instruction(item=item, leader=actor), {
        "text": text.strip(), "created_at": at or timezone.now()})
    notify(**told(N_("Leader instruction on %(code)s"), code=item.code), body=text,
           link=item_link(item), users=unit_staff(item.lead_unit), units=[item.lead_unit])
    return instruction


@transaction.atomic
def answer_instruction(actor: User, instruction: Instruction, *, text: str,
                       at: datetime | None = None) -> Instruction:
    require(perm.can_answer(actor, instruction.item), "answer this instruction")
    if not (text or "").strip():
        raise ValidationError({"answer": _("Write the answer.")})
    instruction = save_audited(actor, instruction, {
        "answer": text.strip(), "answered_by": actor, "answered_at": at or timezone.now()},
        action=SupervisionAction.ANSWER)
    notify(**told(N_("Answer to your instruction on %(code)s"), code=instruction.item.code),
           body=text, link=item_link(instruction.item), users=[instruction.leader])
    return instruction


@transaction.atomic
def add_comment(actor: User, item: Item, *, text: str) -> Comment:
    require(perm.can_comment(actor, item), "add input to this item")
    if not (text or "").strip():
        raise ValidationError({"text": _("Write something.")})
    return save_audited(actor, Comment(item=item, author=actor, unit=actor.unit), {
        "text": text.strip(), "created_at": timezone.now()})


@transaction.atomic
def add_attachment(actor: User, item: Item, *, upload: UploadedFile) -> Attachment:
    require(perm.can_report(actor, item) or perm.can_manage(actor), "attach files")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("A file may be at most 20 MB.")})
    return save_audited(actor, Attachment(item=item, uploaded_by=actor), {
        "file": upload, "name": upload.name[:200], "uploaded_at": timezone.now()})


# --- extensions ---------------------------------------------------------------------------------

@transaction.atomic
def request_extension(actor: User, node: Node, *, new_date: date, reason: str,
                      current_progress: str, on: date | None = None) -> Extension:
    item = node.item
    require(perm.can_request_extension(actor, item), "request an extension")
    on = on or base.today()
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
    notify(**told(N_("Extension request on %(code)s waits for you"), code=item.code),
           body=extension.reason, link=item_link(item), users=users)


@transaction.atomic
def decide_extension(actor: User, extension: Extension, *, approve: bool,
                     note: str = "") -> Extension:
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.PENDING:
        raise ValidationError({"status": _("This request is already decided.")})
    require(perm.can_decide_extension(actor, extension), "decide this step")
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
    action = SupervisionAction.APPROVE_STEP if approve else SupervisionAction.REJECT
    record(actor, action, extension, before, snapshot(extension), reason=note)
    node = extension.node
    if extension.status == Extension.Status.APPROVED:
        save_audited(actor, node, {"original_date": node.original_date or node.planned_date,
                                   "planned_date": extension.new_date},
                     reason=extension.reason, action=SupervisionAction.EXTEND)
        recompute_light(node.item)
    if extension.status == Extension.Status.PENDING:
        _notify_step(extension)
    else:
        notify(**told(N_("Extension request on %(code)s: %(status)s"), code=node.item.code,
                      status=choice_spec(Extension.Status(extension.status).label)),
               body=note, link=item_link(node.item), users=[extension.requested_by])
    return extension


