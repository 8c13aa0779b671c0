"""The daily balance table and the monthly water report (page, xlsx, docx), built from a
``selectors.Window``. Text from data (names, the engine's whys) goes into cells through
core.cells, so nothing becomes a formula."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from zoneops.core.cells import append_row

from .balance.chain import POLLUTANTS
from .balance.tables import daily_rows, river_classes
from .models import WaterPoint
from .selectors import BEIJING, Window, visible_codes
from .services import KIND_LABELS
from .texts import why


def balance_rows(window: Window, visible: set[str], pollutant: str) -> list[dict[str, Any]]:
    """Per node with monitored points upstream and per day: measured and expected load
    (kg/d), residual, within the tolerance or not, coverage."""
    t = window.tables
    if t is None:
        return []
    rows = []
    for p in window.points:
        if p.code not in visible or not t.has_upstream[t.index(p.code)]:
            continue
        for day in daily_rows(t, p.code):
            cell = day["pollutants"][pollutant]
            rows.append({"point": p, "date": day["date"], **cell})
    rows.sort(key=lambda r: (r["date"], r["point"].code))
    return rows


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=BEIJING)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BEIJING)
    return start, end


def monthly(user, year: int, month: int) -> dict[str, Any]:
    start, end = _month_bounds(year, month)
    window = Window(start, end)
    visible = visible_codes(user)
    t = window.tables
    loads, balances, rivers = [], [], []
    for p in window.points:
        if p.code not in visible or t is None:
            continue
        days = daily_rows(t, p.code)
        row: dict[str, Any] = {"point": p, "kind": str(WaterPoint.Kind(p.kind).label),
                               "pollutants": {}}
        for name in POLLUTANTS:
            cells = [d["pollutants"][name] for d in days]
            with_load = [c["load_kg"] for c in cells if c["load_kg"] is not None]
            row["pollutants"][name] = {
                "load_kg": round(sum(with_load), 1) if with_load else None,
                "days": len(with_load), "of_days": len(cells)}
        loads.append(row)
        if t.has_upstream[t.index(p.code)]:
            cod = [d["pollutants"]["COD"] for d in days]
            judged = [c for c in cod if c["within"] is not None]
            measured = sum(c["load_kg"] or 0 for c in judged)
            expected = sum(c["expected_kg"] or 0 for c in judged)
            balances.append({
                "point": p, "days": len(judged), "outside": sum(not c["within"] for c in judged),
                "measured_kg": round(measured, 1) if judged else None,
                "expected_kg": round(expected, 1) if judged else None,
                "residual_pct": round((measured - expected) / expected * 100, 1)
                if judged and expected > 0 else None})
        if p.kind == WaterPoint.Kind.RIVER:
            classes = river_classes(t, p.code)
            month_row = classes["monthly"][0] if classes["monthly"] else None
            daily = [d for d in classes["daily"] if d["class"] is not None]
            rivers.append({"point": p, "target": p.target_class or "-",
                           "class": month_row["class"] if month_row else None,
                           "meets": month_row["meets"] if month_row else None,
                           "means": month_row["means"] if month_row else {},
                           "days": len(daily),
                           "days_meeting": sum(1 for d in daily if d["meets"])})
    anomalies = [a for a in window.anomalies if a.point in visible]
    counts: dict[str, int] = {}
    for a in anomalies:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    return {"year": year, "month": month, "start": start.date(),
            "end": (end - timedelta(days=1)).date(), "loads": loads, "balances": balances,
            "rivers": rivers,
            "counts": [(str(KIND_LABELS[k]), v) for k, v in sorted(counts.items())],
            "anomalies": [a for a in anomalies if a.kind != "data_quality"][:30]}


def _title(data: dict) -> str:
    return _("Wastewater chain monthly report %(year)d-%(month)02d") % {
        "year": data["year"], "month": data["month"]}


def _blank(value: Any) -> Any:
    return "-" if value is None else value


def _class_text(cls: str | None) -> str:
    if cls is None:
        return "-"
    return _("worse than V") if cls == "劣V" else cls


def _meets_text(value: bool | None) -> str:
    return "-" if value is None else (_("meets") if value else _("fails"))


def tables_of(data: dict) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report's tables as (heading, header, rows): the same for xlsx and docx."""
    load_head = [_("code"), _("name"), _("kind")] + [
        f"{n} kg ({_('days')})" for n in POLLUTANTS]
    load_rows = [[r["point"].code, r["point"].name, r["kind"]] + [
        "-" if c["load_kg"] is None else f"{c['load_kg']} ({c['days']}/{c['of_days']})"
        for c in r["pollutants"].values()] for r in data["loads"]]
    bal_head = [_("code"), _("name"), _("measured COD kg"), _("expected COD kg"),
                _("residual %"), _("days judged"), _("days outside tolerance")]
    bal_rows = [[b["point"].code, b["point"].name, _blank(b["measured_kg"]),
                 _blank(b["expected_kg"]), _blank(b["residual_pct"]), b["days"], b["outside"]]
                for b in data["balances"]]
    river_head = [_("code"), _("name"), _("target class"), _("monthly class"), _("result"),
                  _("days meeting the target")] + [f"{n} mg/L" for n in ("COD", "NH3-N", "TP")]
    river_rows = [[r["point"].code, r["point"].name, r["target"], _class_text(r["class"]),
                   _meets_text(r["meets"]), f"{r['days_meeting']}/{r['days']}"] + [
                   _blank(r["means"].get(n)) for n in ("COD", "NH3-N", "TP")]
                  for r in data["rivers"]]
    anomaly_head = [_("point"), _("kind"), _("pollutant"), _("start"), _("end"),
                    _("residual kg/h"), _("score"), _("why")]
    anomaly_rows = [[a.point, str(KIND_LABELS[a.kind]), a.pollutant,
                     a.start.strftime("%Y-%m-%d %H:%M"), a.end.strftime("%Y-%m-%d %H:%M"),
                     _blank(a.residual_kg_h), a.score, why(a)] for a in data["anomalies"]]
    return [(_("Loads per point"), load_head, load_rows),
            (_("Balance at the nodes (COD)"), bal_head, bal_rows),
            (_("River sections (GB 3838-2002)"), river_head, river_rows),
            (_("Anomalies"), anomaly_head, anomaly_rows)]


def monthly_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for heading, head, rows in tables_of(data):
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = heading[:31].replace("(", "").replace(")", "")
        append_row(sheet, [_title(data)])
        append_row(sheet, [heading])
        append_row(sheet, head)
        for row in rows:
            append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def monthly_docx(data: dict) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(_title(data), level=1)
    doc.add_paragraph(_("Period: %(start)s to %(end)s. Loads are sums of hourly loads (flow "
                        "× concentration); a day with less than three quarters of its hours "
                        "measured has no load.") % {"start": data["start"], "end": data["end"]})
    if data["counts"]:
        doc.add_paragraph("; ".join(f"{k}: {v}" for k, v in data["counts"]))
    for heading, head, rows in tables_of(data):
        doc.add_heading(heading, level=2)
        table = doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = str(text)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["balance_rows", "monthly", "monthly_docx", "monthly_xlsx", "tables_of"]
