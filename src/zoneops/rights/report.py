"""The annual report of the emission-rights ledger (issue #24 item 4): per pollutant the cap,
what enterprises hold, the reserve balances, the year's movements by kind with quantities and
amounts, and measured discharge against holdings with the firms at or over 80 %. As a page,
an .xlsx (openpyxl, text through core.cells) and a .docx laid out per GB/T 9704."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.models import Enterprise

from . import selectors
from .models import Account, Cap, Movement, Pollutant, ReserveLevel

BEIJING = ZoneInfo("Asia/Shanghai")
ZERO = Decimal(0)


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    count: int
    quantity: Decimal
    amount: Decimal   # sum of the recorded terms' amounts (yuan); movements without terms add 0
    priced: int       # how many of them have an amount recorded


@dataclass(frozen=True)
class Heavy:
    enterprise: str
    measured_t: float
    holding: Decimal
    share: float | None


@dataclass
class PollutantReport:
    pollutant: str
    cap: Decimal | None
    held: Decimal
    reserves: list[tuple[str, Decimal]]
    kinds: list[KindRow]
    measured_firms: int = 0
    measured_t: float = 0.0
    measured_holding: Decimal = ZERO
    heavy: list[Heavy] = field(default_factory=list)
    measured: bool = False  # the discharge check covers this pollutant


@dataclass
class AnnualReport:
    year: int
    on: dt.date
    pollutants: list[PollutantReport]


def _on(year: int, today: dt.date) -> dt.date:
    """Balances as of the year's last day, or today while the year runs."""
    return min(dt.date(year, 12, 31), today)


def build(year: int, *, now: dt.datetime | None = None) -> AnnualReport:
    from . import discharge

    now = now or timezone.now()
    on = _on(year, now.astimezone(BEIJING).date())
    start = dt.datetime(year, 1, 1, tzinfo=BEIJING)
    end = dt.datetime(year + 1, 1, 1, tzinfo=BEIJING)
    caps = dict(Cap.objects.values_list("pollutant", "quantity"))
    year_movements = Movement.objects.filter(created_at__gte=start, created_at__lt=end)
    enterprises = list(Enterprise.objects.filter(
        pk__in=Account.objects.filter(enterprise__isnull=False).values("enterprise_id"))
        .order_by("name"))
    usages = discharge.usage(enterprises, year=year, now=min(now, end)) if (
        enterprises and start < now) else []
    out = []
    for pollutant in Pollutant.values:
        reserves = [(str(level.label), selectors.balance(account, on))
                    for level in ReserveLevel
                    for account in Account.objects.filter(enterprise__isnull=True,
                                                          reserve_level=level.value,
                                                          pollutant=pollutant)]
        kinds = []
        for kind in Movement.Kind:
            rows = year_movements.filter(kind=kind.value, source__pollutant=pollutant)
            sums = rows.aggregate(n=Count("pk"), q=Sum("quantity"), a=Sum("terms__amount"),
                                  p=Count("terms__amount"))
            kinds.append(KindRow(kind.value, str(kind.label), sums["n"], sums["q"] or ZERO,
                                 sums["a"] or ZERO, sums["p"]))
        report = PollutantReport(pollutant, caps.get(pollutant),
                                 selectors.enterprise_total(pollutant, on), reserves, kinds)
        mine = [u for u in usages if u.pollutant == pollutant]
        if pollutant in discharge.WATER_POLLUTANTS or mine:
            report.measured = True
            with_data = [u for u in mine if u.points]
            report.measured_firms = len(with_data)
            report.measured_t = sum(u.measured_t for u in with_data)
            report.measured_holding = sum((u.holding for u in with_data), ZERO)
            report.heavy = [Heavy(u.enterprise.name, u.measured_t, u.holding, u.share)
                            for u in mine if u.level in ("warn", "over")]
        out.append(report)
    return AnnualReport(year, on, out)


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %"


def _rows(report: AnnualReport) -> dict[str, list[list]]:
    """The report's tables as rows of values, shared by the .xlsx and the .docx."""
    summary = [[_("pollutant"), _("cap (t/a)"), _("Held by enterprises (t/a)"),
                *[str(level.label) for level in ReserveLevel]]]
    for p in report.pollutants:
        levels = dict(p.reserves)
        summary.append([p.pollutant, p.cap if p.cap is not None else "—", p.held,
                        *[levels.get(str(level.label), "—") for level in ReserveLevel]])
    movements = [[_("pollutant"), _("kind"), _("Movements"), _("quantity (t/a)"),
                  _("amount (yuan)"), _("Movements with an amount")]]
    for p in report.pollutants:
        for k in p.kinds:
            if k.count:
                movements.append([p.pollutant, k.label, k.count, k.quantity, k.amount,
                                  k.priced])
    discharge = [[_("pollutant"), _("Monitored enterprises"), _("Measured (t)"),
                  _("Their holdings (t/a)"),
                  _("Enterprises at or over 80 per cent of their holding")]]
    for p in report.pollutants:
        if p.measured:
            discharge.append([p.pollutant, p.measured_firms, round(p.measured_t, 3),
                              p.measured_holding,
                              "；".join(f"{h.enterprise} {_pct(h.share)}" for h in p.heavy)
                              or "—"])
    return {"summary": summary, "movements": movements, "discharge": discharge}


def xlsx(report: AnnualReport) -> bytes:
    from openpyxl import Workbook

    from zoneops.core.cells import append_row

    book = Workbook()
    titles = {"summary": _("Caps and holdings"), "movements": _("Movements of the year"),
              "discharge": _("Measured discharge")}
    for index, (key, rows) in enumerate(_rows(report).items()):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = titles[key]
        for row in rows:
            append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != value.to_integral() else (
            f"{value:.0f}")
    return str(value)


def docx(report: AnnualReport) -> bytes:
    from zoneops.core import gbt9704 as gb

    doc = gb.new_document()
    gb.title(doc, _("Emission-rights annual report %(year)s") % {"year": report.year})
    gb.paragraph(doc, _("Balances as of %(on)s; movements recorded in %(year)s.")
                 % {"on": report.on.isoformat(), "year": report.year})
    rows = _rows(report)
    for number, heading, key in (("一", _("Caps and holdings"), "summary"),
                                 ("二", _("Movements of the year"), "movements"),
                                 ("三", _("Measured discharge"), "discharge")):
        gb.heading1(doc, f"{number}、{heading}")
        table = rows[key]
        gb.table(doc, [str(c) for c in table[0]], [[_text(c) for c in r] for r in table[1:]])
    gb.paragraph(doc, _("Reserve balances are negative by the quantity they have issued: "
                        "every movement has two sides."))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
