"""Progress reports: submitted by the unit, accepted or returned by the office."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from zoneops.core.models import Role, User
from zoneops.core.services.audit import record, save_audited
from zoneops.core.services.notify import notify

from .. import permissions as perm
from ..audit import SupervisionAction
from ..models import (
    Attachment,
    Item,
    Report,
    ReportLine,
)
from . import base
from .base import MAX_ATTACHMENT_BYTES, PERIOD, item_link, require, told
from .lighting import recompute_light

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
        if actual and actual > base.today():
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
                  lines: list[dict[str, Any]] | None = None,
                  files: list[UploadedFile] | None = None) -> Report:
    """One report per item per period. A returned report is corrected and submitted again;
    a submitted or accepted one cannot be filed twice. `files` are its evidence (佐证材料),
    kept with the report and shown to the reviewer."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    require(perm.can_report(actor, item), "report on this item")
    by_node = _clean_report(item, period, progress, summary, lines or [])
    for upload in files or []:  # checked before anything is written
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"files": _("%(name)s is larger than 20 MB.")
                                   % {"name": upload.name}})
    report = item.reports.filter(period=period).first()
    if report is not None and report.status != Report.Status.RETURNED:
        raise ValidationError({"period": _("A report for %(period)s is already %(status)s.")
                               % {"period": period, "status": report.get_status_display()}})
    action = SupervisionAction.RESUBMIT if report is not None else SupervisionAction.SUBMIT
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
    for upload in files or []:
        save_audited(actor, Attachment(item=item, report=report, uploaded_by=actor), {
            "file": upload, "name": upload.name[:200], "uploaded_at": timezone.now()})
    if item.status == Item.Status.ASSIGNED:
        save_audited(actor, item, {"status": Item.Status.IN_PROGRESS})
    notify(**told(N_("Progress report to review: %(code)s %(period)s"), code=item.code,
                  period=period), link=item_link(item),
           users=User.objects.filter(is_active=True, role=Role.OFFICE))
    return report


@transaction.atomic
def accept_report(actor: User, report: Report, *, note: str = "") -> Report:
    """The office accepts: the report's figures and node dates become the item's."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    item = report.item
    require(perm.can_review(actor, item), "review reports")
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
    notify(**told(N_("Report accepted: %(code)s %(period)s"), code=item.code,
                  period=report.period), link=item_link(item),
           users=[report.submitted_by])
    return report


@transaction.atomic
def return_report(actor: User, report: Report, *, reason: str) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    require(perm.can_review(actor, report.item), "review reports")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the report is returned.")})
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be returned.")})
    report = save_audited(actor, report, {
        "status": Report.Status.RETURNED, "return_reason": reason.strip(),
        "reviewed_by": actor, "reviewed_at": timezone.now()}, reason=reason.strip(),
        action=SupervisionAction.RETURN)
    notify(**told(N_("Report returned: %(code)s %(period)s"), code=report.item.code,
                  period=report.period), body=reason,
           link=item_link(report.item), users=[report.submitted_by])
    return report


