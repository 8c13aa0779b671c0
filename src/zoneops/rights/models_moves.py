"""Sale terms of a movement and transfer requests between enterprises (imported by
models.py, so Django registers them with the rights app)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Movement, Pollutant


class SaleForm(models.TextChoices):
    FIXED = "fixed", _("fixed price (协议定价)")
    LISTING = "listing", _("listing (挂牌)")
    BIDDING = "bidding", _("bidding (竞价)")
    AUCTION = "auction", _("auction (拍卖)")


class MovementTerms(models.Model):
    """What was paid for a movement and under which contract (a sale, a buy-back or a
    transfer): kept beside the append-only movement, written in its transaction."""

    movement = models.OneToOneField(Movement, verbose_name=_("movement"),
                                    on_delete=models.PROTECT, related_name="terms")
    sale_form = models.CharField(_("sale form"), max_length=8, blank=True,
                                 choices=SaleForm.choices)
    price = models.DecimalField(_("price (yuan per t·a)"), max_digits=14, decimal_places=2,
                                null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2,
                                 null=True, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("terms of a movement")
        constraints = [
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gte=Decimal(0)),
                                   name="rights_terms_price_not_negative"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=Decimal(0)),
                                   name="rights_terms_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.movement_id} · {self.amount or '—'}"


class TransferRequest(models.Model):
    """A transfer between enterprises as the rules want it: the seller files, the buyer
    confirms, the office approves (and only then the ledger moves)."""

    class Status(models.TextChoices):
        AWAITING_BUYER = "buyer", _("awaiting the buyer")
        AWAITING_OFFICE = "office", _("awaiting the office")
        DECLINED = "declined", _("declined by the buyer")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected by the office")
        WITHDRAWN = "withdrawn", _("withdrawn by the seller")

    seller = models.ForeignKey("core.Enterprise", verbose_name=_("seller"),
                               on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey("core.Enterprise", verbose_name=_("buyer"),
                              on_delete=models.PROTECT, related_name="+")
    pollutant = models.CharField(_("pollutant"), max_length=5, choices=Pollutant.choices)
    quantity = models.DecimalField(_("quantity (t/a)"), max_digits=14, decimal_places=4)
    price = models.DecimalField(_("price (yuan per t·a)"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    contract_no = models.CharField(_("contract number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.AWAITING_BUYER)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"),
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    buyer_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    buyer_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    movement = models.OneToOneField(Movement, verbose_name=_("transfer movement"), null=True,
                                    blank=True, on_delete=models.PROTECT,
                                    related_name="request")

    class Meta:
        verbose_name = _("transfer request")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)),
                                   name="rights_request_quantity_positive"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                   name="rights_request_period_ordered"),
            models.CheckConstraint(condition=~Q(seller=models.F("buyer")),
                                   name="rights_request_two_firms"),
        ]

    def __str__(self) -> str:
        return f"{self.seller} → {self.buyer} · {self.pollutant} {self.quantity} t/a"

    @property
    def open(self) -> bool:
        return self.status in (self.Status.AWAITING_BUYER, self.Status.AWAITING_OFFICE)
