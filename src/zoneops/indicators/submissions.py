"""Values reported by the owner unit (报送) and reviewed by the office: supervision's
report-and-review pattern. A submission is checked like a Value when it is filed; approved,
it is written through services.record_value (audited as any value); returned, it keeps the
office's comment and the unit files a new one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from zoneops.core import permissions as perm
from zoneops.core.models import Role, User
from zoneops.core.models.alerts import i18n_spec, render_spec
from zoneops.core.services.audit import save_audited
from zoneops.core.services.notify import notify

from . import permissions, selectors, services
from .audit import IndicatorAction
from .models import Indicator, Submission, Value

REVIEW_LINK = "/indicators/review/"
MINE_LINK = "/indicators/submissions/"


def _told(msgid: str, **params: Any) -> dict[str, Any]:
    """notify()'s title now, and its message id so each reader sees their own language."""
    spec = i18n_spec(msgid, **params)
    return {"title": render_spec(spec), "i18n": {"title": spec}}


def _clean(indicator: Indicator, year: int, month: int, data: dict[str, Any]) -> None:
    """The checks of Value (fields, at least one figure, quarter months), before anything
    is written."""
    value = Value(indicator=indicator, year=year, month=month, level=data.get("level"),
                  official_rate_pct=data.get("official_rate_pct"),
                  note=(data.get("note") or "").strip())
    errors: dict[str, list[str]] = {}
    try:
        value.clean_fields()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors:
        try:
            value.clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_value(actor: User, indicator: Indicator, *, year: int, month: int,
                 data: dict[str, Any]) -> Submission:
    """The owner unit's staff report one period. A period already waiting for review is
    refused (as supervision refuses a second report): the office reviews one set of figures
    at a time, and a unit that wants to change them asks the office to return it."""
    perm.require(permissions.can_submit_values(actor, indicator), "submit values")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _clean(indicator, year, month, data)
    if Submission.objects.filter(indicator=indicator, year=year, month=month,
                                 status=Submission.Status.SUBMITTED).exists():
        raise ValidationError({"month": _(
            "%(year)s-%(month)02d of %(name)s is already waiting for review; ask the office "
            "to return it before submitting again.") % {
                "year": year, "month": month, "name": indicator.name}})
    submission = save_audited(actor, Submission(indicator=indicator, year=year, month=month), {
        "level": data.get("level"), "official_rate_pct": data.get("official_rate_pct"),
        "note": (data.get("note") or "").strip(), "status": Submission.Status.SUBMITTED,
        "submitted_by": actor, "submitted_at": timezone.now()},
        action=IndicatorAction.SUBMIT_VALUE)
    notify(**_told(N_("Indicator value to review: %(name)s %(year)s-%(month)s"),
                   name=indicator.name, year=year, month=f"{month:02d}"),
           link=REVIEW_LINK,
           users=User.objects.filter(is_active=True, role=Role.OFFICE))
    return submission


def _open(actor: User, submission: Submission) -> Submission:
    perm.require(permissions.can_review_submissions(actor), "review submissions")
    submission = (Submission.objects.select_for_update().select_related("indicator")
                  .get(pk=submission.pk))
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError({"status": _("Only an entry waiting for review can be approved "
                                           "or returned; this one is %(status)s.") % {
            "status": submission.get_status_display()}})
    return submission


@transaction.atomic
def approve_submission(actor: User, submission: Submission, *,
                       comment: str = "") -> tuple[Submission, list[str]]:
    """The office approves: the figures become the period's Value (created or corrected
    through services.record_value), with the flags the bureau import would raise for them
    (returned so the reviewer sees them; they do not block)."""
    submission = _open(actor, submission)
    found = selectors.submission_flags(submission)  # against the values before this one
    services.record_value(actor, submission.indicator, year=submission.year,
                          month=submission.month, data={
                              "level": submission.level,
                              "official_rate_pct": submission.official_rate_pct,
                              "note": submission.note})
    submission = save_audited(actor, submission, {
        "status": Submission.Status.APPROVED, "reviewer": actor, "reviewed_at": timezone.now(),
        "review_comment": comment.strip()}, reason=comment.strip(),
        action=IndicatorAction.APPROVE_VALUE)
    notify(**_told(N_("Indicator value approved: %(name)s %(year)s-%(month)s"),
                   name=submission.indicator.name, year=submission.year,
                   month=f"{submission.month:02d}"),
           link=MINE_LINK, users=[submission.submitted_by])
    return submission, found


@transaction.atomic
def return_submission(actor: User, submission: Submission, *, comment: str) -> Submission:
    """The office sends the figures back with a reason; nothing is written to the values."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the entry is returned.")})
    submission = _open(actor, submission)
    submission = save_audited(actor, submission, {
        "status": Submission.Status.RETURNED, "reviewer": actor, "reviewed_at": timezone.now(),
        "review_comment": comment.strip()}, reason=comment.strip(),
        action=IndicatorAction.RETURN_VALUE)
    notify(**_told(N_("Indicator value returned: %(name)s %(year)s-%(month)s"),
                   name=submission.indicator.name, year=submission.year,
                   month=f"{submission.month:02d}"),
           body=comment.strip(), link=MINE_LINK, users=[submission.submitted_by])
    return submission
