"""Writes for the 通报 draft (kept apart from services.py): the office saves its edited section
texts for a month; transactional, permission-checked, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from zoneops.core import permissions as core_perm
from zoneops.core.models import User
from zoneops.core.services.audit import save_audited

from . import permissions as perm
from .models import ReportDraft
from .report import SECTIONS
from .services import PERIOD

SECTION_KEYS = [key for key, _heading in SECTIONS]


def draft_for(month: str) -> ReportDraft | None:
    return ReportDraft.objects.filter(month=month).first()


@transaction.atomic
def save_draft(actor: User, month: str, texts: dict[str, str],
               number: int | None = None) -> ReportDraft:
    core_perm.require(perm.can_manage(actor), "you may not edit the monthly report")
    if not PERIOD.match(month or ""):
        raise ValidationError({"month": "write the month as YYYY-MM"})
    unknown = set(texts) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError({"texts": f"unknown sections: {', '.join(sorted(unknown))}"})
    if number is not None and number < 1:
        raise ValidationError({"number": "the document number is a positive whole number"})
    draft = ReportDraft.objects.select_for_update().filter(month=month).first()
    clean = {key: texts.get(key, "").strip() for key in SECTION_KEYS}
    return save_audited(actor, draft or ReportDraft(month=month),
                        {"texts": clean, "number": number, "updated_by": actor})
