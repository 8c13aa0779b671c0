"""Excel export of any filtered view, with each item's nodes and its progress history."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from zoneops.core.cells import append_row

from .models import Item, Light, Node, Report

# Spreadsheet headers are domain text (what the office's own sheets say), not UI strings.
ITEM_HEADER = ["清单", "序号", "领域", "任务名称", "目标任务", "责任领导", "牵头单位",
               "配合单位", "责任人", "完成时限", "进度%", "状态", "亮灯", "亮灯原因", "序时进度",
               "已用资金（万元）"]
NODE_HEADER = ["清单", "序号", "任务名称", "节点", "计划时间", "原定时间", "节点目标",
               "实际完成时间", "佐证材料"]
REPORT_HEADER = ["清单", "序号", "任务名称", "报送期", "进度%", "本期进展", "存在困难", "状态",
                 "退回理由", "报送人", "报送时间", "审核人", "审核时间"]


def _sheet(wb: Workbook, title: str, header: list[str], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    append_row(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    return ws


def _local(moment) -> str:
    from django.utils import timezone
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_items(qs: QuerySet[Item]) -> bytes:
    items = list(qs.select_related("supervision_list", "lead_unit")
                 .prefetch_related("co_units").order_by("supervision_list_id", "code"))
    from . import asof
    from .services import today

    now = asof.for_items(items, today())  # today's light and reason, not a stored one
    wb = Workbook()
    ws = _sheet(wb, "清单", ITEM_HEADER, first=True)
    for i in items:
        r = now[i.pk]
        append_row(ws, [str(i.supervision_list), i.code, i.domain, i.title, i.target, i.leader_name,
                   i.lead_unit.name, "、".join(u.name for u in i.co_units.all()), i.owner_name,
                   i.deadline or i.deadline_text, i.progress, i.get_status_display(),
                   str(Light(r.light).label), r.why, r.bucket_label, i.funds_used])
    ids = [i.pk for i in items]
    ws = _sheet(wb, "节点", NODE_HEADER)
    for n in (Node.objects.filter(item_id__in=ids).select_related("item", "item__supervision_list")
              .order_by("item__supervision_list_id", "item__code", "seq")):
        append_row(ws, [str(n.item.supervision_list), n.item.code, n.item.title, n.seq,
                        n.planned_date, n.original_date, n.deliverable, n.actual_date,
                        n.evidence])
    ws = _sheet(wb, "进展", REPORT_HEADER)
    for r in (Report.objects.filter(item_id__in=ids)
              .select_related("item", "item__supervision_list", "submitted_by", "reviewed_by")
              .order_by("item__supervision_list_id", "item__code", "period")):
        append_row(ws, [str(r.item.supervision_list), r.item.code, r.item.title, r.period,
                        r.progress, r.summary, r.difficulties, r.get_status_display(),
                        r.return_reason, str(r.submitted_by), _local(r.submitted_at),
                        str(r.reviewed_by or ""), _local(r.reviewed_at)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
