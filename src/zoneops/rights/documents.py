"""The documents the rights module hands out: a certificate as .docx (python-docx) and the
ledger as .xlsx (openpyxl, every text cell through core.cells so none becomes a formula)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from zoneops.core.cells import append_row

from .models import Certificate, Movement


def _holder(account) -> str:
    return account.enterprise.name if account.enterprise_id else (
        account.get_reserve_level_display())


def certificate_fields(certificate: Certificate) -> list[tuple[str, str]]:
    """(label, value) rows, the same on the page, in the .docx and on the public check."""
    enterprise = certificate.enterprise
    return [
        (_("Certificate number"), certificate.number),
        (_("Holder"), enterprise.name),
        (_("Unified social credit code"), enterprise.credit_code),
        (_("pollutant"), certificate.pollutant),
        (_("Quantity (t/a)"), f"{certificate.quantity:.4f}"),
        (_("Period of validity"),
         f"{certificate.valid_from:%Y-%m-%d} — {certificate.valid_to:%Y-%m-%d}"),
        (_("How acquired"), _("restatement after rights left the account")
         if certificate.restated else certificate.movement.get_kind_display()),
        (_("legal basis"), certificate.legal_basis),
        (_("Issued at"), timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d %H:%M")),
    ]


def certificate_docx(certificate: Certificate, check_url: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(_("Emission-rights electronic certificate"))
    run.bold, run.font.size = True, Pt(18)
    rows = certificate_fields(certificate)
    table = doc.add_table(rows=len(rows) + 1, cols=2)
    table.style = "Table Grid"
    for i, (label, value) in enumerate(rows):
        table.cell(i, 0).text, table.cell(i, 1).text = label, value
    table.cell(len(rows), 0).text = _("Verification code")
    table.cell(len(rows), 1).text = certificate.code
    doc.add_paragraph(_("Anyone can check this certificate at %(url)s with its number and "
                        "verification code.") % {"url": check_url})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def ledger_xlsx(movements: Iterable[Movement]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")
    append_row(sheet, [_("Movement number"), _("Recorded at"), _("kind"), _("pollutant"),
                       _("from account"), _("to account"), _("quantity (t/a)"),
                       _("valid from"), _("valid to"), _("legal basis"),
                       _("consent of the transferor"), _("consent of the transferee"),
                       _("recorded by")])
    for m in movements:
        append_row(sheet, [
            m.pk, timezone.localtime(m.created_at).replace(tzinfo=None), m.get_kind_display(),
            m.source.pollutant, _holder(m.source), _holder(m.target), m.quantity,
            m.valid_from, m.valid_to, m.legal_basis, m.source_consent, m.target_consent,
            str(m.created_by)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
