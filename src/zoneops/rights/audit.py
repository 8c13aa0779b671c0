"""The actions the emission-rights ledger records in the audit trail, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class RightsAction(models.TextChoices):
    VERIFICATION = "rights.verification", pgettext_lazy("audit action", "Rights verified")
    SALE = "rights.sale", pgettext_lazy("audit action", "Rights sold from the reserve")
    TRANSFER = "rights.transfer", pgettext_lazy("audit action", "Rights transferred")
    RECALL = "rights.recall", pgettext_lazy("audit action", "Rights recalled")
    BUYBACK = "rights.buyback", pgettext_lazy("audit action", "Rights bought back")
    EXPIRY = "rights.expiry", pgettext_lazy("audit action", "Rights expired")
    LOT = "rights.lot", pgettext_lazy("audit action", "Bidding lot created")
    DEPOSIT = "rights.deposit", pgettext_lazy("audit action", "Bidding deposit recorded")
    BID = "rights.bid", pgettext_lazy("audit action", "Bid placed")
    SETTLE = "rights.settle", pgettext_lazy("audit action", "Bidding lot settled")
    CERTIFICATE = "rights.certificate", pgettext_lazy("audit action",
                                                      "Emission-rights certificate issued")
    SUPERSEDE = "rights.supersede", pgettext_lazy("audit action",
                                                  "Emission-rights certificate superseded")
    TERMS = "rights.terms", pgettext_lazy("audit action", "Terms of a movement recorded")
    REQUEST = "rights.request", pgettext_lazy("audit action", "Transfer request filed")
    REQUEST_ANSWER = "rights.request_answer", pgettext_lazy(
        "audit action", "Transfer request answered by the buyer")
    REQUEST_DECISION = "rights.request_decision", pgettext_lazy(
        "audit action", "Transfer request decided by the office")

    @classmethod
    def of(cls, kind: str) -> RightsAction:
        """The action that records a movement of this kind (Movement.Kind)."""
        return cls(f"rights.{kind}")
