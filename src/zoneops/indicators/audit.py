"""The actions value submissions record in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class IndicatorAction(models.TextChoices):
    SUBMIT_VALUE = "submit value", pgettext_lazy("audit action", "Value submitted")
    APPROVE_VALUE = "approve value", pgettext_lazy("audit action", "Submitted value approved")
    RETURN_VALUE = "return value", pgettext_lazy("audit action", "Submitted value returned")
