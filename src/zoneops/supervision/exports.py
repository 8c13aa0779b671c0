"""Excel export of any filtered view, with each item's nodes and its progress history, in the
language active for the request (or the command's --lang)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from zoneops.core.cells import append_row

from .models import Item, Light, Node, Report

# Headers in the user's language: the office's own wordings in Chinese (so the export
# re-imports: sheets.HEADERS reads both languages), English with --lang en or an English page.
ITEM_HEADER = [pgettext_lazy("export", "List"), pgettext_lazy("export", "No."),
               pgettext_lazy("export", "Domain"), pgettext_lazy("export", "Task"),
               pgettext_lazy("export", "Target"), pgettext_lazy("export", "Leader"),
               pgettext_lazy("export", "Lead unit"), pgettext_lazy("export", "Co-operating units"),
               pgettext_lazy("export", "Person responsible"),
               pgettext_lazy("export", "Deadline"), pgettext_lazy("export", "Progress %"),
               pgettext_lazy("export", "Status"), pgettext_lazy("export", "Light"),
               pgettext_lazy("export", "Light reason"), pgettext_lazy("export", "Schedule"),
               pgettext_lazy("export", "Funds used (10k yuan)")]
NODE_HEADER = [pgettext_lazy("export", "List"), pgettext_lazy("export", "No."),
               pgettext_lazy("export", "Task"), pgettext_lazy("export", "Node"),
               pgettext_lazy("export", "Planned date"), pgettext_lazy("export", "Original date"),
               pgettext_lazy("export", "Node target"), pgettext_lazy("export", "Actual date"),
               pgettext_lazy("export", "Evidence")]
REPORT_HEADER = [pgettext_lazy("export", "List"), pgettext_lazy("export", "No."),
                 pgettext_lazy("export", "Task"), pgettext_lazy("export", "Period"),
                 pgettext_lazy("export", "Progress %"),
                 pgettext_lazy("export", "Progress this period"),
                 pgettext_lazy("export", "Difficulties"), pgettext_lazy("export", "Status"),
                 pgettext_lazy("export", "Return reason"),
                 pgettext_lazy("export", "Submitted by"),
                 pgettext_lazy("export", "Submitted at"), pgettext_lazy("export", "Reviewed by"),
                 pgettext_lazy("export", "Reviewed at")]
SHEETS = (pgettext_lazy("export", "Items"), pgettext_lazy("export", "Nodes"),
          pgettext_lazy("export", "Progress"))


def _sheet(wb: Workbook, title: Any, header: list[Any], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = str(title)
    append_row(ws, [str(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    return ws


def _local(moment) -> str:
    from django.utils import timezone
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_items(qs: QuerySet[Item]) -> bytes:
    items = list(qs.select_related("supervision_list", "lead_unit")
                 .prefetch_related("co_units").order_by("supervision_list_id", "sort_code"))
    from . import asof
    from .services import today

    now = asof.for_items(items, today())  # today's light and reason, not a stored one
    wb = Workbook()
    ws = _sheet(wb, SHEETS[0], ITEM_HEADER, first=True)
    for i in items:
        r = now[i.pk]
        append_row(ws, [str(i.supervision_list), i.code, i.domain, i.title, i.target, i.leader_name,
                   i.lead_unit.name, "、".join(u.name for u in i.co_units.all()), i.owner_name,
                   i.deadline or i.deadline_text, i.progress, i.get_status_display(),
                   str(Light(r.light).label), r.why, r.bucket_label, i.funds_used])
    ids = [i.pk for i in items]
    ws = _sheet(wb, SHEETS[1], NODE_HEADER)
    for n in (Node.objects.filter(item_id__in=ids).select_related("item", "item__supervision_list")
              .order_by("item__supervision_list_id", "item__sort_code", "seq")):
        append_row(ws, [str(n.item.supervision_list), n.item.code, n.item.title, n.seq,
                        n.planned_date, n.original_date, n.deliverable, n.actual_date,
                        n.evidence])
    ws = _sheet(wb, SHEETS[2], REPORT_HEADER)
    for r in (Report.objects.filter(item_id__in=ids)
              .select_related("item", "item__supervision_list", "submitted_by", "reviewed_by")
              .order_by("item__supervision_list_id", "item__sort_code", "period")):
        append_row(ws, [str(r.item.supervision_list), r.item.code, r.item.title, r.period,
                        r.progress, r.summary, r.difficulties, r.get_status_display(),
                        r.return_reason, str(r.submitted_by), _local(r.submitted_at),
                        str(r.reviewed_by or ""), _local(r.reviewed_at)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
