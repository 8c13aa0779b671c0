"""The monthly economic bulletin (主要经济指标运行情况): built once from the published values of
a month, then rendered as a GB/T 9704-2012 docx and as an xlsx sheet.

The bulletin is a Chinese document (like supervision's 月通报): its words are the office's, not
UI strings. Every figure comes from the database as published: the official rate is shown as
the bureau gave it, 本月 is cumulative(N) − cumulative(N−1) (derived.single_months), and a
missing figure is "—" with a note saying what is missing. Nothing is estimated."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _

from zoneops.core.models import User

from . import derived, selectors
from .models import QUARTER_ENDS, Indicator, Target, Value

MISSING = "—"
# Columns of the table (docx and xlsx): the 1—N月 label is filled in per bulletin.
COLUMNS = ["指标名称", "单位", "本月", "{period}累计", "同比±%", "年度目标", "完成目标%",
           "时间进度%", "快慢（百分点）"]


class BulletinInputError(ValueError):
    """A year or month the bulletin cannot be built for; the message says which and why."""


def check_period(year: object, month: object) -> tuple[int, int]:
    """The year (2000–2100) and month (1–12) as integers, or a clear error naming the field."""
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        y = None
    if y is None or not 2000 <= y <= 2100:
        raise BulletinInputError(_("year: “%(value)s” is not a year between 2000 and 2100.")
                                 % {"value": "" if year is None else year})
    try:
        m = int(str(month).strip())
    except (TypeError, ValueError):
        m = None
    if m is None or not 1 <= m <= 12:
        raise BulletinInputError(_("month: “%(value)s” is not a month between 1 and 12.")
                                 % {"value": "" if month is None else month})
    return y, m


def period_label(month: int) -> str:
    """1月, 1—2月 … 1—12月 (GB/T 15834: the 一字线 joins the start and end of a period)."""
    return "1月" if month == 1 else f"1—{month}月"


@dataclass(frozen=True)
class BulletinRow:
    code: str
    name: str
    unit: str
    cumulative_kind: bool  # a cumulative 1—N月 indicator (else a point value)
    real_basis: bool  # growth at comparable prices (规上工业增加值, GDP), else nominal
    this_month: Decimal | None
    cumulative: Decimal | None
    rate_pct: Decimal | None  # the official rate, as published
    target: Decimal | None
    target_growth_pct: Decimal | None
    progress: derived.Progress | None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Bulletin:
    year: int
    month: int
    zone: str
    rows: list[BulletinRow]

    @property
    def period(self) -> str:
        return period_label(self.month)

    @property
    def title(self) -> str:
        return f"{self.zone}{self.year}年{self.period}主要经济指标运行情况"

    @property
    def text_heading(self) -> str:
        return "一、主要指标完成情况"

    @property
    def table_heading(self) -> str:
        return f"二、{self.year}年{self.period}主要经济指标表"

    @property
    def header(self) -> list[str]:
        return [c.format(period=self.period) for c in COLUMNS]

    @property
    def paragraphs(self) -> list[str]:
        return [describe(row, self.period) for row in self.rows]

    @property
    def notes(self) -> list[str]:
        return [f"{row.name}：{note}" for row in self.rows for note in row.notes]

    @property
    def flags(self) -> list[str]:
        return [f"{row.name}：{flag}" for row in self.rows for flag in row.flags]


def zone_name() -> str:
    """The zone's name from its place record (the top-level zone), or a neutral word."""
    from django.conf import settings

    from zoneops.core.models import Place

    configured = getattr(settings, "INDICATORS_BULLETIN_ZONE", "")
    if configured:
        return configured
    zone = Place.objects.filter(kind=Place.Kind.ZONE, parent=None).order_by("pk").first()
    return zone.name if zone else "开发区"


def build(user: User, year: int, month: int) -> Bulletin:
    """The bulletin of `year`, 1—`month`月, over the indicators the user may see."""
    year, month = check_period(year, month)
    threshold = selectors._checks()["rate_gap_pp"]["value"]
    rows = [_row(indicator, year, month, threshold)
            for indicator in selectors.indicators(user)]
    return Bulletin(year, month, zone_name(), rows)


def _row(indicator: Indicator, year: int, month: int, threshold: float) -> BulletinRow:
    values = {m: v for m, v in selectors.year_values(indicator, year).items() if m <= month}
    value = values.get(month)
    cumulative_kind = indicator.accumulation == Indicator.Accumulation.CUMULATIVE
    label = period_label(month) if cumulative_kind else f"{month}月"
    notes: list[str] = []
    flags: list[str] = []
    if value is None:
        if (indicator.frequency == Indicator.Frequency.QUARTERLY
                and month not in QUARTER_ENDS):
            notes.append("季度指标，本月不发布")
        else:
            notes.append(f"{label}数据未录入")
    level = value.level if value is not None else None
    rate = value.official_rate_pct if value is not None else None
    if value is not None and level is None:
        notes.append(f"{label}总量未发布")
    if value is not None and rate is None:
        notes.append(f"{label}同比增速未发布")

    this_month = None
    if cumulative_kind and level is not None:
        singles = {s.month: s for s in derived.single_months(
            {m: v.level for m, v in values.items()})}
        single = singles.get(month)
        this_month = single.value if single is not None else None
        if this_month is None:
            notes.append(f"{month - 1}月累计值缺失，本月值无法计算")
        flags += [f"累计值在{s.label}下降，请与填报单位核实" for s in singles.values() if s.falls]
    elif not cumulative_kind:
        this_month = level
        notes.append("期末值指标，不计累计值")

    target_row = Target.objects.filter(indicator=indicator, year=year).first()
    target = target_row.value if target_row else None
    target_growth = target_row.growth_pct if target_row else None
    progress = None
    if cumulative_kind and target is not None and target > 0 and level is not None:
        progress = derived.schedule_progress(level, target, month)
    elif target is None and cumulative_kind:
        notes.append("未设年度目标总量，时序进度无法计算")

    if level is not None and rate is not None:
        last = Value.objects.filter(indicator=indicator, year=year - 1, month=month,
                                    level__gt=0).first()
        if last is not None:
            gap = derived.rate_gap(rate, level, last.level, threshold)
            if gap.flagged:
                flags.append(f"公布增速{_pct(rate)}%与按上年同期总量计算的{gap.from_levels_pct:.1f}%"
                             f"相差{abs(gap.gap_pp):.1f}个百分点（超过{threshold:g}个百分点），请核实口径")
    return BulletinRow(indicator.code, indicator.name, indicator.unit, cumulative_kind,
                       indicator.basis == Indicator.Basis.REAL,
                       this_month, level if cumulative_kind else None, rate, target,
                       target_growth, progress, flags, notes)


def number(value: Decimal | float | None, places: int | None = None) -> str:
    """A figure as published (trailing zeros beyond two decimals dropped), or "—"."""
    if value is None:
        return MISSING
    if places is not None:
        return f"{float(value):.{places}f}"
    d = Decimal(str(value))
    exponent = d.normalize().as_tuple().exponent
    decimals = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{d:.{min(decimals, 4)}f}"


def _pct(rate: Decimal) -> str:
    return number(abs(rate), 1) if rate == rate.quantize(Decimal("0.1")) else number(abs(rate))


def _growth(rate: Decimal | None) -> str:
    if rate is None:
        return "同比增速未发布"
    if rate > 0:
        return f"同比增长{_pct(rate)}%"
    if rate < 0:
        return f"同比下降{_pct(rate)}%"
    return "与上年同期持平"


def describe(row: BulletinRow, period: str) -> str:
    """One paragraph per indicator: cumulative value, official rate, 时序进度 and the checks."""
    if row.cumulative_kind:
        if row.cumulative is None:
            text = f"{row.name}：{period}数据暂缺"
            text += f"，{_growth(row.rate_pct)}" if row.rate_pct is not None else ""
        else:
            text = f"{row.name}：{period}累计完成{number(row.cumulative)}{row.unit}，"
            text += _growth(row.rate_pct)
    else:
        month = period.rsplit("—", 1)[-1]
        text = (f"{row.name}：{month}末{number(row.this_month)}{row.unit}，{_growth(row.rate_pct)}"
                if row.this_month is not None else f"{row.name}：{month}数据暂缺")
    if row.progress is not None:
        p = row.progress
        pace = ("与时序进度持平" if p.gap_pp == 0 else
                f"{'超过' if p.gap_pp > 0 else '落后'}时序进度{abs(p.gap_pp):.1f}个百分点")
        text += (f"；完成年度目标{number(row.target)}{row.unit}的{p.done_pct:.1f}%，"
                 f"时间进度{p.time_pct:.1f}%，{pace}")
    if row.target_growth_pct is not None:
        text += f"；年度增长目标{number(row.target_growth_pct, 1)}%"
    text += "。"
    if row.flags:
        text += "提示：" + "；".join(row.flags) + "。"
    return text


def table_rows(bulletin: Bulletin) -> list[list[Decimal | float | str | None]]:
    """The table's values (numbers as numbers, None where missing), in COLUMNS order."""
    out: list[list[Decimal | float | str | None]] = []
    for r in bulletin.rows:
        p = r.progress
        out.append([r.name, r.unit, r.this_month, r.cumulative, r.rate_pct, r.target,
                    p.done_pct if p else None, p.time_pct if p else None,
                    p.gap_pp if p else None])
    return out


def _cell_text(value: Decimal | float | str | None, col: int) -> str:
    if isinstance(value, str):
        return value
    if col >= 6:  # 时序进度 columns: one decimal, as derived.schedule_progress rounds them
        return number(value, 1)
    if col == 4 and value is not None:  # the official rate, with its sign, as published
        return ("-" if value < 0 else "") + _pct(Decimal(str(value)))
    return number(value)


def text_rows(bulletin: Bulletin) -> list[list[str]]:
    return [[_cell_text(v, c) for c, v in enumerate(row)] for row in table_rows(bulletin)]


def note_lines(bulletin: Bulletin) -> list[str]:
    """The notes under the table: what "—" stands for, row by row, and how 本月 is computed."""
    real = [r.name for r in bulletin.rows if r.real_basis]
    basis = (f"{'、'.join(real)}按可比价格计算，其余按现价计算" if real else "均按现价计算")
    lines = [f"注：本月值为本期累计值减上期累计值；同比增速为统计部门公布数（{basis}）；"
             "时间进度为已过月份占全年的比重。"]
    if bulletin.notes:
        lines.append("“—”说明：" + "；".join(bulletin.notes) + "。")
    return lines


def to_docx(bulletin: Bulletin) -> bytes:
    """The bulletin laid out per GB/T 9704-2012 (the same helpers as the 月通报)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from zoneops.core import gbt9704 as fmt

    doc = fmt.new_document()
    fmt.title(doc, bulletin.title)
    fmt.paragraph(doc, "")
    fmt.heading1(doc, bulletin.text_heading)
    if not bulletin.rows:
        fmt.paragraph(doc, "指标目录中暂无指标。")
    for text in bulletin.paragraphs:
        fmt.paragraph(doc, text)
    fmt.heading1(doc, bulletin.table_heading)
    flagged = {(i, 0): "FFFF00" for i, r in enumerate(bulletin.rows) if r.flags}
    fmt.table(doc, bulletin.header, text_rows(bulletin), flagged)
    for line in note_lines(bulletin):
        fmt.paragraph(doc, line, fmt.BODY_FONT, fmt.SIZE_4, align=WD_ALIGN_PARAGRAPH.LEFT)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def to_xlsx(bulletin: Bulletin) -> bytes:
    """One sheet an office prints as it is: the title merged over the table, a two-row header
    (累计 and 时序进度 grouped), numbers as numbers with formats, widths, frozen header, notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from zoneops.core.cells import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = f"{bulletin.period}"
    width = len(COLUMNS)
    last = get_column_letter(width)
    ws["A1"] = bulletin.title
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="方正小标宋简体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    # Two header rows: groups on row 2, the columns under them on row 3.
    header = bulletin.header
    top = [header[0], header[1], header[2], f"{bulletin.period}累计", None, header[5],
           "时序进度", None, None]
    sub = [None, None, None, "累计值", "同比±%", None, "完成目标%", "时间进度%", "快慢（百分点）"]
    for col, (a, b) in enumerate(zip(top, sub, strict=True), start=1):
        ws.cell(row=2, column=col, value=a)
        ws.cell(row=3, column=col, value=b)
    for col in (1, 2, 3, 6):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=4, end_row=2, end_column=5)
    ws.merge_cells(start_row=2, start_column=7, end_row=2, end_column=9)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in ws.iter_rows(min_row=2, max_row=3, max_col=width):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
    formats = {3: "#,##0.00", 4: "#,##0.00", 5: "0.0", 6: "#,##0.00", 7: "0.0", 8: "0.0",
               9: "+0.0;-0.0;0.0"}
    for values, row in zip(table_rows(bulletin), bulletin.rows, strict=True):
        append_row(ws, [MISSING if v is None else (float(v) if isinstance(v, Decimal) else v)
                        for v in values])
        for col, cell in enumerate(ws[ws.max_row], start=1):
            cell.border = box
            if isinstance(cell.value, int | float):
                cell.number_format = formats.get(col, "General")
                cell.alignment = Alignment(horizontal="right")
            elif cell.value == MISSING:
                cell.alignment = Alignment(horizontal="center")
        if row.flags:
            ws.cell(row=ws.max_row, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    table_end = ws.max_row
    ws.append([])
    for line in note_lines(bulletin) + [f"提示：{f}" for f in bulletin.flags]:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                       end_column=width)
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True,
                                                                 vertical="top")
        ws.row_dimensions[ws.max_row].height = 15 * (1 + len(line) // 70)
    for col, chars in enumerate([22, 8, 12, 14, 10, 12, 11, 11, 14], start=1):
        ws.column_dimensions[get_column_letter(col)].width = chars
    ws.freeze_panes = "B4"
    ws.print_title_rows = "2:3"
    ws.print_area = f"A1:{last}{max(table_end, ws.max_row)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
