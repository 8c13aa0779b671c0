"""The monthly report (月通报) for any month, as xlsx and docx.

Everything is as of the month's last day: buckets from the nodes met by then, the light each
item had then (from its light records, with the rule's reason), problems new / solved / open in
the month, nodes due the month after, and the unit ranking with the change from the month
before (both months computed the same way, so the change is fair)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils.translation import override

from zoneops.core.models import User

from . import asof, lights, services
from . import permissions as perm
from .codes import natural_key
from .models import Item, Node, Notice, Problem
from .ranking import UnitStanding, rank_units
from .selectors import BUCKET_ORDER, items_for, previous_month, unit_leaders
from .services import describe

# The report is a Chinese document (月通报): its words are the office's, not UI strings.
BUCKET_LABELS = {"done": "已完成", "ahead": "超进度", "on_schedule": "达进度", "behind": "欠进度",
                 "no_nodes": "无节点"}
# An item without nodes has no 序时进度: it is flagged, never counted on schedule or ranked.
NO_NODES = "no_nodes"
REPORT_BUCKETS = [*BUCKET_ORDER, NO_NODES]
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯", "green": "绿灯"}


@dataclass
class Monthly:
    month: str
    end: date
    total: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    by_list: dict[str, dict[str, int]] = field(default_factory=dict)
    by_domain: dict[str, dict[str, int]] = field(default_factory=dict)
    ranking: list[UnitStanding] = field(default_factory=list)
    leaders: dict[int, str] = field(default_factory=dict)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    no_nodes: list[Item] = field(default_factory=list)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    nodes_next: list[Node] = field(default_factory=list)


def month_end(month: str) -> date:
    year, m = int(month[:4]), int(month[5:7])
    return date(year, m, calendar.monthrange(year, m)[1])


def _facts_as_of(item: Item, rows: list[Node], end: date) -> tuple[list[lights.NodeFact], bool]:
    """The item's nodes as they stood on `end` and whether it was done by then (asof)."""
    return asof.node_facts(item, rows, end)


def _buckets_as_of(items: list[Item], nodes: dict[int, list[Node]], end: date) -> dict[int, str]:
    out = {}
    for item in items:
        facts, done = _facts_as_of(item, nodes.get(item.pk, []), end)
        out[item.pk] = lights.bucket(end, facts, done) if facts or done else NO_NODES
    return out


def unit_counts_as_of(qs, day: date) -> dict[tuple[int, str], dict[str, int]]:
    """Per lead unit, items per bucket as of `day` (for rankings of past months)."""
    items = list(qs.select_related("lead_unit"))
    nodes: dict[int, list[Node]] = {}
    for n in Node.objects.filter(item__in=qs).order_by("item_id", "seq"):
        nodes.setdefault(n.item_id, []).append(n)
    return _ranking(items, _buckets_as_of(items, nodes, day))


def _count(items: list[Item], buckets: dict[int, str], key) -> dict[str, dict[str, int]]:
    grid: dict[str, dict[str, int]] = {}
    for item in items:
        row = grid.setdefault(key(item) or "—", {b: 0 for b in REPORT_BUCKETS})
        row[buckets[item.pk]] += 1
    return grid


def _ranking(items: list[Item], buckets: dict[int, str]) -> dict[tuple[int, str], dict]:
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for item in items:
        row = counts.setdefault((item.lead_unit_id, item.lead_unit.name), {})
        row[buckets[item.pk]] = row.get(buckets[item.pk], 0) + 1
    return counts


def build_monthly(user: User, month: str) -> Monthly:
    perm_ok = perm.reads_all(user)
    # The running month is reported as of today: nodes due later this month are not late yet.
    end = min(month_end(month), services.today())
    prev_end = month_end(previous_month(month))
    qs = items_for(user) if perm_ok else Item.objects.none()
    # The lists are yearly: a month's report covers that year's lists.
    qs = qs.exclude(status=Item.Status.CANCELLED).filter(supervision_list__year=end.year)
    items = list(qs.select_related("supervision_list", "lead_unit")
                 .order_by("supervision_list__sort_order", "supervision_list_id", "sort_code"))
    items.sort(key=lambda i: (i.supervision_list.sort_order, i.supervision_list_id,
                              natural_key(i.code)))
    ids = [i.pk for i in items]
    nodes: dict[int, list[Node]] = {}
    for n in Node.objects.filter(item_id__in=ids).order_by("item_id", "seq"):
        nodes.setdefault(n.item_id, []).append(n)
    now_buckets = _buckets_as_of(items, nodes, end)
    prev_buckets = _buckets_as_of(items, nodes, prev_end)
    data = Monthly(month, end, total=len(items))
    data.totals = {b: sum(1 for i in items if now_buckets[i.pk] == b) for b in REPORT_BUCKETS}
    data.no_nodes = [i for i in items if now_buckets[i.pk] == NO_NODES]
    data.by_list = _count(items, now_buckets, lambda i: i.supervision_list.name)
    data.by_domain = _count(items, now_buckets, lambda i: i.domain)
    previous = {s.unit_id: s.rank for s in rank_units(_ranking(items, prev_buckets))}
    data.ranking = rank_units(_ranking(items, now_buckets), previous)
    data.leaders = unit_leaders([s.unit_id for s in data.ranking])
    data.flagged = _lights_as_of(items, nodes, end)
    by_id = {i.pk: i for i in items}
    start = end.replace(day=1)
    problems = Problem.objects.filter(item_id__in=ids).select_related("item").order_by(
        "raised_at", "pk")
    data.problems = {
        "new": [p for p in problems if start <= p.raised_at <= end],
        "solved": [p for p in problems if p.solved_at and start <= p.solved_at <= end],
        "open": [p for p in problems if p.raised_at <= end
                 and (p.solved_at is None or p.solved_at > end)],
    }
    last = month_end(month)
    next_start = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    next_end = month_end(next_start.strftime("%Y-%m"))
    data.nodes_next = [n for i in items for n in nodes.get(i.pk, [])
                       if next_start <= n.planned_date <= next_end
                       and (n.actual_date is None or n.actual_date > end)]
    data.nodes_next.sort(key=lambda n: (n.planned_date, n.item_id, n.seq))
    for n in data.nodes_next:
        n.item = by_id[n.item_id]
    return data


def _lights_as_of(items: list[Item], nodes: dict[int, list[Node]], end: date
                  ) -> list[dict[str, Any]]:
    """Red and yellow items as of `end`, by the one as-of computation (asof.evaluate) from the
    nodes met and the notices issued by then. Stored light records are never read: a month
    before the import (or before a recompute) has none, or has ones computed on another day."""
    notices: dict[int, list[Notice]] = {}
    for notice in Notice.objects.filter(item_id__in=[i.pk for i in items], issued_on__lte=end):
        notices.setdefault(notice.item_id, []).append(notice)
    config = services.light_config()
    flagged = []
    for item in items:
        rows = nodes.get(item.pk, [])
        if not rows:
            continue  # 无节点: listed apart, no light can be computed from nothing
        result = asof.evaluate(item, rows, notices.get(item.pk, ()), end, config)
        if result.light in ("red", "yellow"):
            flagged.append({"item": item, "light": result.light, "rule": result.rule,
                            "reason": describe(result.reason, result.params),
                            "overdue_days": result.overdue_days})
    flagged.sort(key=lambda f: (f["light"] != "red", f["item"].supervision_list_id,
                                natural_key(f["item"].code)))
    return flagged


class Pct(float):
    """A share: a number in the spreadsheet (formatted 0.0%), "12.5%" in text and the docx."""

    def __str__(self) -> str:
        return f"{100 * self:.1f}%"

    def __format__(self, spec: str) -> str:  # f-strings word it the same way
        return str(self)


def _pct(n: int, total: int) -> Pct:
    return Pct(n / total if total else 0.0)


def _bucket_rows(grid: dict[str, dict[str, int]]) -> list[list[Any]]:
    rows = []
    for name, counts in grid.items():
        total = sum(counts.values())
        row: list[Any] = [name, total]
        for b in REPORT_BUCKETS:
            row += [counts[b], _pct(counts[b], total)]
        rows.append(row)
    return rows


def _bucket_header(first: str) -> list[str]:
    header = [first, "事项数"]
    for b in REPORT_BUCKETS:
        header += [BUCKET_LABELS[b], f"{BUCKET_LABELS[b]}占比"]
    return header


def _tables(data: Monthly) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report's tables, shared by the xlsx and the docx (domain text in Chinese)."""
    total_row = ["合计", data.total]
    for b in REPORT_BUCKETS:
        total_row += [data.totals[b], _pct(data.totals[b], data.total)]
    change = {None: "—"}
    return [
        ("按清单", _bucket_header("清单"), _bucket_rows(data.by_list) + [total_row]),
        ("按领域", _bucket_header("领域"), _bucket_rows(data.by_domain)),
        ("单位排名", ["名次", "并列", "单位", "分管领导", "得分", "事项数", "已完成", "超进度",
                      "达进度", "欠进度", "较上月"],
         [[s.rank, "并列" if s.tied else "", s.name, data.leaders.get(s.unit_id, ""), s.score,
           s.total, s.done, s.ahead, s.on_schedule, s.behind,
           change.get(s.change, f"{s.change:+d}" if s.change else "持平")]
          for s in data.ranking]),
        ("红黄灯事项", ["亮灯", "清单", "序号", "任务名称", "牵头单位", "责任领导", "原因",
                       "逾期天数"],
         [[LIGHT_LABELS[f["light"]], f["item"].supervision_list.name, f["item"].code,
           f["item"].title, f["item"].lead_unit.name, f["item"].leader_name, f["reason"],
           f["overdue_days"] if f["overdue_days"] is not None else ""]
          for f in data.flagged]
         + [["无节点", i.supervision_list.name, i.code, i.title, i.lead_unit.name,
             i.leader_name, "未设置时间节点，不计入序时进度", ""] for i in data.no_nodes]),
        ("问题清单", ["类别", "序号", "任务名称", "问题", "责任人", "提出日期", "解决日期"],
         [[label, p.item.code, p.item.title, p.description, p.owner, p.raised_at,
           p.solved_at or ""]
          for key, label in (("new", "本月新增"), ("solved", "本月解决"), ("open", "尚未解决"))
          for p in data.problems[key]]),
        ("下月到期节点", ["计划时间", "序号", "任务名称", "节点目标", "牵头单位"],
         [[n.planned_date, n.item.code, n.item.title, n.deliverable, n.item.lead_unit.name]
          for n in data.nodes_next]),
    ]


def _summary(data: Monthly) -> list[str]:
    p = data.problems
    return [
        f"{data.month[:4]}年{int(data.month[5:])}月三张清单推进情况通报",
        f"截至{data.end:%Y年%m月%d日}，共{data.total}项：" + "，".join(
            f"{BUCKET_LABELS[b]}{data.totals[b]}项（{_pct(data.totals[b], data.total)}）"
            for b in BUCKET_ORDER) + "。",
        f"红灯{sum(1 for f in data.flagged if f['light'] == 'red')}项，"
        f"黄灯{sum(1 for f in data.flagged if f['light'] == 'yellow')}项；"
        f"问题本月新增{len(p['new'])}个、解决{len(p['solved'])}个、尚未解决{len(p['open'])}个；"
        f"下月到期节点{len(data.nodes_next)}个。",
    ]


def _width(value: Any) -> float:
    text = str(value) if value is not None else ""
    longest = max((sum(2 if ord(c) > 0x2E7F else 1 for c in line)
                   for line in text.splitlines() or [""]), default=0)
    return longest


def _format_sheet(sheet, header_row: int = 1) -> None:
    """Widths from the content (CJK counts double, capped), bold frozen header repeated on
    every printed page, landscape, one page wide, the used range as the print area."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for column in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        letter = get_column_letter(column[0].column)
        width = max((_width(c.value) for c in column), default=8)
        sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
        for cell in column[header_row:]:
            if isinstance(cell.value, str) and _width(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if header_row:
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{get_column_letter(max(1, sheet.max_column))}{max(1, sheet.max_row)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def monthly_xlsx(data: Monthly) -> bytes:
    """The report as a workbook an office prints as it is: numbers as numbers, shares as
    numbers formatted 0.0%, dates as dates, widths, print areas and titles set."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from zoneops.core.cells import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    for line in _summary(data):
        ws.append([line])
    ws["A1"].font = Font(size=14, bold=True)
    ws.column_dimensions["A"].width = 100
    ws.print_area = f"A1:A{ws.max_row}"
    for title, header, rows in _tables(data):
        sheet = wb.create_sheet(title)
        sheet.append(header)
        for row in rows:
            append_row(sheet, [float(v) if isinstance(v, Pct) else v for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, Pct):
                    cell.number_format = "0.0%"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, float):
                    cell.number_format = "0.0"
        _format_sheet(sheet)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


SECTIONS = [("overall", "一、总体情况"), ("categories", "二、分类情况"),
            ("lights", "三、红黄灯事项及原因"), ("ranking", "四、单位排名"),
            ("problems", "五、存在问题"), ("next_steps", "六、下步工作要求")]
LIGHT_FILLS = {"红灯": "FF0000", "黄灯": "FFFF00", "无节点": "D9D9D9"}


def draft_sections(data: Monthly) -> dict[str, str]:
    """The prose of each section drafted from the data; the office edits it before issuing."""
    t, p = data.totals, data.problems
    red = [f for f in data.flagged if f["light"] == "red"]
    yellow = [f for f in data.flagged if f["light"] == "yellow"]
    day = f"{data.end.year}年{data.end.month}月{data.end.day}日"
    overall = (f"截至{day}，三张清单共{data.total}项，"
               + "，".join(f"{BUCKET_LABELS[b]}{t[b]}项（{_pct(t[b], data.total)}）"
                           for b in BUCKET_ORDER) + "。")
    if data.no_nodes:
        overall += f"另有{len(data.no_nodes)}项未设置时间节点（无节点），不计入序时进度。"
    lists = "；".join(f"{name}{sum(c.values())}项，欠进度{c['behind']}项"
                     for name, c in data.by_list.items())
    light_text = f"红灯{len(red)}项，黄灯{len(yellow)}项。"
    if red:
        light_text += "红灯事项：" + "；".join(
            f"{f['item'].code}{f['item'].title}（{f['item'].lead_unit.name}），{f['reason']}"
            for f in red) + "。"
    ranking = "；".join(f"第{s.rank}名{s.name}（{s.score}分）" for s in data.ranking[:3])
    last = data.ranking[-1] if len(data.ranking) > 3 else None
    ranking_text = f"综合得分前三名：{ranking}。" if ranking else "本月无参与排名的单位。"
    if last:
        ranking_text += f"排名末位：{last.name}（{last.score}分）。"
    problems = (f"本月新增问题{len(p['new'])}个，解决{len(p['solved'])}个，"
                f"尚未解决{len(p['open'])}个。")
    if p["open"]:
        problems += "主要问题：" + "；".join(f"{q.item.code}{q.description}"
                                        for q in p["open"][:5]) + "。"
    next_steps = (f"下月共有{len(data.nodes_next)}个节点到期，请各牵头单位对照节点目标抓紧推进；"
                  "红灯事项的牵头单位于5个工作日内书面说明原因及整改措施，"
                  "未设置节点的事项尽快补充时间节点。")
    return {"overall": overall, "categories": f"分清单看：{lists}。" if lists else "",
            "lights": light_text, "ranking": ranking_text, "problems": problems,
            "next_steps": next_steps}


def document_number(month: str, number: int | None = None) -> str:
    """发文字号 〔2026〕N号 (GB/T 9704-2012 §7.2.5: the year in 六角括号); N defaults to the
    month's number, as one 通报 a month."""
    return f"督查〔{month[:4]}〕{number or int(month[5:7])}号"


def _cells(rows: list[list[Any]]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in rows]


def monthly_docx(data: Monthly, texts: dict[str, str] | None = None, *,
                 number: int | None = None, issuer: str | None = None,
                 copy_to: str | None = None) -> bytes:
    """The 通报 as a GB/T 9704-2012 document; `texts` are the section texts (an edited draft)
    and fall back to the fresh draft."""
    from django.conf import settings

    from zoneops.core import gbt9704 as fmt

    texts = {**draft_sections(data), **(texts or {})}
    issuer = issuer or getattr(settings, "SUPERVISION_REPORT_ISSUER", "管委会督查室")
    copy_to = copy_to or getattr(settings, "SUPERVISION_REPORT_COPY_TO", "管委会各位领导")
    doc = fmt.new_document()
    fmt.header_block(doc, issuer, document_number(data.month, number))
    fmt.title(doc, f"关于{data.month[:4]}年{int(data.month[5:])}月三张清单推进情况的通报")
    tables = {title: (header, rows) for title, header, rows in _tables(data)}
    subsections = {"categories": [("（一）按清单", "按清单"), ("（二）按领域", "按领域")],
                   "lights": [("", "红黄灯事项")], "ranking": [("", "单位排名")],
                   "problems": [("", "问题清单")], "next_steps": [("", "下月到期节点")]}
    for key, heading in SECTIONS:
        fmt.heading1(doc, heading)
        for line in texts.get(key, "").splitlines():
            if line.strip():
                fmt.paragraph(doc, line.strip())
        for sub, name in subsections.get(key, []):
            if sub:
                fmt.heading2(doc, sub)
            header, rows = tables[name]
            if not rows:
                continue
            fills = {(r, 0): LIGHT_FILLS[row[0]] for r, row in enumerate(rows)
                     if name == "红黄灯事项" and row[0] in LIGHT_FILLS}
            fmt.table(doc, header, _cells(rows), fills)
    printed_on = services.today()
    fmt.colophon(doc, copy_to, issuer,
                 f"{printed_on.year}年{printed_on.month}月{printed_on.day}日")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def write_monthly_report(user: User, month: str, folder: Path) -> list[Path]:
    from django.core.exceptions import ValidationError

    from .services import PERIOD

    if not PERIOD.match(month):
        raise ValidationError({"month": "write the month as YYYY-MM"})
    perm_ok = perm.reads_all(user)
    if not perm_ok:
        from django.core.exceptions import PermissionDenied
        raise PermissionDenied("only leaders, the office and the administrator read the report")
    with override("zh-hans"):
        data = build_monthly(user, month)
        paths = [folder / f"supervision-monthly-{month}.xlsx",
                 folder / f"supervision-monthly-{month}.docx"]
        paths[0].write_bytes(monthly_xlsx(data))
        from .report_drafts import draft_for

        draft = draft_for(month)  # the office's edited text when it saved one
        paths[1].write_bytes(monthly_docx(data, draft.texts, number=draft.number) if draft
                             else monthly_docx(data))
    return paths
