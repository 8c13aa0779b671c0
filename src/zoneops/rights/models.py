"""The emission-rights ledger: accounts, movements between them (append-only), and the area
cap per pollutant. Balances are never stored; selectors derive them from the movements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Rights are granted for five years in principle (浙政办发〔2023〕18号).
DEFAULT_YEARS = 5


def default_valid_to(valid_from: dt.date) -> dt.date:
    """The last day of a five-year period beginning on ``valid_from``."""
    try:
        end = valid_from.replace(year=valid_from.year + DEFAULT_YEARS)
    except ValueError:  # 29 February
        end = valid_from.replace(year=valid_from.year + DEFAULT_YEARS, day=28)
    return end - dt.timedelta(days=1)


class Pollutant(models.TextChoices):
    COD = "COD", "COD"
    NH3N = "NH3-N", "NH3-N"
    SO2 = "SO2", "SO2"
    NOX = "NOx", "NOx"
    VOCS = "VOCs", "VOCs"


class ReserveLevel(models.TextChoices):
    PROVINCE = "province", _("provincial reserve")
    CITY = "city", _("city reserve")
    COUNTY = "county", _("county reserve")
    PARK = "park", _("park reserve")


class Account(models.Model):
    """One holder of one pollutant: an enterprise, or a government reserve at one level."""

    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"), null=True,
                                   blank=True, on_delete=models.PROTECT,
                                   related_name="rights_accounts")
    reserve_level = models.CharField(_("reserve level"), max_length=10, blank=True,
                                     choices=ReserveLevel.choices)
    pollutant = models.CharField(_("pollutant"), max_length=5, choices=Pollutant.choices)

    class Meta:
        verbose_name = _("emission-rights account")
        constraints = [
            models.CheckConstraint(
                condition=(Q(enterprise__isnull=False, reserve_level="")
                           | Q(enterprise__isnull=True) & ~Q(reserve_level="")),
                name="rights_account_enterprise_xor_reserve"),
            models.UniqueConstraint(fields=["enterprise", "pollutant"],
                                    condition=Q(enterprise__isnull=False),
                                    name="rights_account_one_per_enterprise_pollutant"),
            models.UniqueConstraint(fields=["reserve_level", "pollutant"],
                                    condition=Q(enterprise__isnull=True),
                                    name="rights_account_one_per_reserve_pollutant"),
        ]

    def __str__(self) -> str:
        holder = self.enterprise.name if self.enterprise_id else self.get_reserve_level_display()
        return f"{holder} · {self.pollutant}"

    @property
    def is_reserve(self) -> bool:
        return self.enterprise_id is None


class Cap(models.Model):
    """The area's total quantity (总量) of one pollutant that enterprises may hold at once."""

    pollutant = models.CharField(_("pollutant"), max_length=5, choices=Pollutant.choices,
                                 unique=True)
    quantity = models.DecimalField(_("cap (t/a)"), max_digits=14, decimal_places=4)
    basis = models.TextField(_("legal basis"), blank=True)

    class Meta:
        verbose_name = _("total cap")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=Decimal(0)),
                                              name="rights_cap_not_negative")]

    def __str__(self) -> str:
        return f"{self.pollutant} ≤ {self.quantity} t/a"


class Movement(models.Model):
    """One transaction between two accounts of the same pollutant. Never changed, never
    deleted (database triggers, migration 0002); a correction is a new movement."""

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("initial verification (核定)")
        SALE = "sale", _("sale from the reserve")
        TRANSFER = "transfer", _("transfer between enterprises")
        RECALL = "recall", _("recall")
        BUYBACK = "buyback", _("buy-back")
        EXPIRY = "expiry", _("expiry")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.ForeignKey(Account, verbose_name=_("from account"),
                               on_delete=models.PROTECT, related_name="outgoing")
    target = models.ForeignKey(Account, verbose_name=_("to account"),
                               on_delete=models.PROTECT, related_name="incoming")
    quantity = models.DecimalField(_("quantity (t/a)"), max_digits=14, decimal_places=4)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    legal_basis = models.TextField(_("legal basis"))
    source_consent = models.CharField(_("consent of the transferor"), max_length=200,
                                      blank=True)
    target_consent = models.CharField(_("consent of the transferee"), max_length=200,
                                      blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("emission-rights movement")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)),
                                   name="rights_movement_quantity_positive"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                   name="rights_movement_period_ordered"),
            models.CheckConstraint(condition=~Q(source=models.F("target")),
                                   name="rights_movement_two_accounts"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} t/a {self.source} → {self.target}"


class Lot(models.Model):
    """One lot of an electronic bidding round (竞价): rights sold from a reserve to the highest
    bidder of an ascending auction with a floor, an increment range and a deposit."""

    class Status(models.TextChoices):
        OPEN = "open", _("bidding")           # before opens_at it shows as not yet open
        SOLD = "sold", _("sold")
        UNSOLD = "unsold", _("no bids")
        FAILED = "failed", _("sale refused")

    number = models.PositiveIntegerField(_("lot number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    pollutant = models.CharField(_("pollutant"), max_length=5, choices=Pollutant.choices)
    quantity = models.DecimalField(_("quantity (t/a)"), max_digits=14, decimal_places=4)
    years = models.PositiveSmallIntegerField(_("years of use"), default=DEFAULT_YEARS)
    reserve_level = models.CharField(_("sold from"), max_length=10,
                                     choices=ReserveLevel.choices, default=ReserveLevel.PARK)
    floor_price = models.DecimalField(_("floor price (yuan per t·a)"), max_digits=14,
                                      decimal_places=2)
    min_increment = models.DecimalField(_("minimum increment (yuan)"), max_digits=14,
                                        decimal_places=2)
    max_increment = models.DecimalField(_("maximum increment (yuan)"), max_digits=14,
                                        decimal_places=2)
    deposit = models.DecimalField(_("deposit (yuan)"), max_digits=14, decimal_places=2)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))  # moves later when a late bid extends it
    extension_seconds = models.PositiveIntegerField(
        _("extension on a late bid (seconds)"), default=0,
        help_text=_("A bid in the last this many seconds moves the close this far past the "
                    "bid; 0: no extension."))
    legal_basis = models.TextField(_("legal basis"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN)
    winner = models.ForeignKey("core.Enterprise", verbose_name=_("winner"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    final_price = models.DecimalField(_("final price (yuan per t·a)"), max_digits=14,
                                      decimal_places=2, null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    movement = models.OneToOneField(Movement, verbose_name=_("sale movement"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="lot")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("bidding lot")
        ordering = ["-opens_at", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)),
                                   name="rights_lot_quantity_positive"),
            models.CheckConstraint(condition=Q(floor_price__gt=Decimal(0)),
                                   name="rights_lot_floor_positive"),
            models.CheckConstraint(condition=Q(min_increment__gt=Decimal(0))
                                   & Q(max_increment__gte=models.F("min_increment")),
                                   name="rights_lot_increments_ordered",
                                   violation_error_message=_(
                                       "The maximum increment cannot be below the minimum "
                                       "increment.")),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="rights_lot_period_ordered",
                                   violation_error_message=_("The lot must close after it "
                                                             "opens.")),
        ]

    def __str__(self) -> str:
        return f"{self.number}号 {self.title}"


class Deposit(models.Model):
    """A bidder's deposit for one lot, recorded by the office once received."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="deposits")
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deposit")
        constraints = [models.UniqueConstraint(fields=["lot", "enterprise"],
                                               name="rights_deposit_one_per_bidder")]

    def __str__(self) -> str:
        return f"{self.lot.number}号 · {self.enterprise} · {self.amount}"


class Bid(models.Model):
    """One accepted bid. Every bid is kept; each is above the one before it (seq orders them
    and no price repeats on a lot)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    seq = models.PositiveIntegerField(_("bid number"))
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("bidder"),
                                   on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(_("price (yuan per t·a)"), max_digits=14, decimal_places=2)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    placed_at = models.DateTimeField(_("placed at"))

    class Meta:
        verbose_name = _("bid")
        ordering = ["lot", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "seq"], name="rights_bid_seq_unique"),
            models.UniqueConstraint(fields=["lot", "price"], name="rights_bid_price_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lot.number}号 #{self.seq} {self.price}"


class Certificate(models.Model):
    """An electronic certificate (排污权电子凭证): the document an enterprise holds for rights
    that came into its account (verification, sale, transfer), or a restatement of what it
    still holds after rights left the account. Anyone can check it on the public page with
    its number and verification code. Never edited except to mark it superseded."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=16)
    movement = models.ForeignKey(Movement, verbose_name=_("movement"),
                                 on_delete=models.PROTECT, related_name="certificates")
    restated = models.BooleanField(_("restatement"), default=False)
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("holder"),
                                   on_delete=models.PROTECT, related_name="+")
    pollutant = models.CharField(_("pollutant"), max_length=5, choices=Pollutant.choices)
    quantity = models.DecimalField(_("quantity (t/a)"), max_digits=14, decimal_places=4)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    legal_basis = models.TextField(_("legal basis"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    superseded_by = models.ForeignKey("self", verbose_name=_("superseded by"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)

    audit_skipped_fields = ("code",)  # the audit trail is readable by more people

    class Meta:
        verbose_name = _("electronic certificate")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)),
                                   name="rights_certificate_quantity_positive"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                   name="rights_certificate_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.enterprise} · {self.pollutant} {self.quantity} t/a"

    def status(self, today: dt.date) -> str:
        """"superseded", "not_yet", "expired" or "valid" on ``today``."""
        if self.superseded_on is not None and self.superseded_on <= today:
            return "superseded"
        if today < self.valid_from:
            return "not_yet"
        if today > self.valid_to:
            return "expired"
        return "valid"


from .models_eia import EiaProject, EiaRequirement  # noqa: E402,F401 - one app, two files
from .models_moves import MovementTerms, SaleForm, TransferRequest  # noqa: E402,F401
