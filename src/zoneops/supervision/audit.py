"""The actions the three lists record in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class SupervisionAction(models.TextChoices):
    SET_COOPERATING_UNITS = "set cooperating units", pgettext_lazy(
        "audit action", "Cooperating units set")
    REPORT_NODES = "report nodes", pgettext_lazy("audit action", "Nodes reported")
    ACCEPT = "accept", pgettext_lazy("audit action", "Report accepted")
    RETURN = "return", pgettext_lazy("audit action", "Report returned")
    UPDATE_FROM_REPORT = "update from report", pgettext_lazy("audit action",
                                                             "Updated from a report")
    SUBMIT = "submit", pgettext_lazy("audit action", "Report submitted")
    RESUBMIT = "resubmit", pgettext_lazy("audit action", "Report resubmitted")
    APPROVE_STEP = "approve step", pgettext_lazy("audit action", "Extension step approved")
    REJECT = "reject", pgettext_lazy("audit action", "Extension refused")
    SOLVE = "solve", pgettext_lazy("audit action", "Problem solved")
    ANSWER = "answer", pgettext_lazy("audit action", "Instruction answered")
    REQUEST_EXTENSION = "request extension", pgettext_lazy("audit action",
                                                           "Extension requested")
    EXTEND = "extend", pgettext_lazy("audit action", "Deadline extended")
    LIGHT = "light", pgettext_lazy("audit action", "Light changed")
    MANUAL_LIGHT = "manual light", pgettext_lazy("audit action", "Light set by hand")
    IMPORT = "import", pgettext_lazy("audit action", "Imported")
    NOTICE_BLUE = "notice blue", pgettext_lazy("audit action", "Blue notice issued")
    NOTICE_YELLOW = "notice yellow", pgettext_lazy("audit action", "Yellow notice issued")
    NOTICE_RED = "notice red", pgettext_lazy("audit action", "Red notice issued")

    @classmethod
    def notice(cls, level: str) -> SupervisionAction:
        return cls(f"notice {level}")
