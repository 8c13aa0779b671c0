"""Value submissions: the owner unit reports a period (报送) from the indicator's page, the
office reviews them at /indicators/review/, the submitter follows them at
/indicators/submissions/. Thin: the work is in submissions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, submissions
from .forms import ValueForm
from .models import Indicator, Submission


def submit_from_form(request: HttpRequest, indicator: Indicator, form: ValueForm) -> bool:
    """The detail page's 报送 form: errors come back on the fields."""
    data = dict(form.cleaned_data)
    year, month = data.pop("year"), data.pop("month")
    try:
        submissions.submit_value(request.user, indicator, year=year, month=month, data=data)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


def review(request: HttpRequest) -> HttpResponse:
    if not permissions.can_review_submissions(request.user):
        raise PermissionDenied
    return render(request, "indicators/review.html", {
        "queue": selectors.review_queue(request.user)})


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_review_submissions(request.user):
        raise PermissionDenied
    submission = get_object_or_404(Submission, pk=pk)
    try:
        submission, found = submissions.approve_submission(
            request.user, submission, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Approved: %(what)s") % {"what": _label(submission)})
        for flag in found:
            messages.warning(request, f"{submission.indicator.name}：{flag}")
    return redirect("indicators-review")


@require_POST
def return_entry(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_review_submissions(request.user):
        raise PermissionDenied
    submission = get_object_or_404(Submission, pk=pk)
    try:
        submission = submissions.return_submission(request.user, submission,
                                                   comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("Returned: %(what)s") % {"what": _label(submission)})
    return redirect("indicators-review")


def mine(request: HttpRequest) -> HttpResponse:
    """What I have submitted and where it stands."""
    if not permissions.can_view_indicators(request.user):
        raise PermissionDenied
    return render(request, "indicators/submissions.html", {
        "submissions": selectors.my_submissions(request.user)})


def _label(submission: Submission) -> str:
    return f"{submission.indicator.name} {submission.year}-{submission.month:02d}"
