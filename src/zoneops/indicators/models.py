"""The indicator catalogue, annual targets and published values.

A value stores what was published, as published: the level (cumulative 1–N月 or point) and
the official year-on-year rate in its own field. Nothing here derives one from the other
(see derived.py for the figures we compute beside them)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

QUARTER_ENDS = (3, 6, 9, 12)


def _year_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                              MaxValueValidator(2100)])


class Indicator(models.Model):
    class Basis(models.TextChoices):
        REAL = "real", _("Real (comparable prices)")
        NOMINAL = "nominal", _("Nominal (current prices)")

    class Accumulation(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative (1–N months)")
        POINT = "point", _("Point (end of period)")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit of measure"), max_length=20)
    basis = models.CharField(_("growth basis"), max_length=10, choices=Basis.choices,
                             default=Basis.NOMINAL)
    accumulation = models.CharField(_("accumulation"), max_length=12,
                                    choices=Accumulation.choices,
                                    default=Accumulation.CUMULATIVE)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    owner_unit = models.ForeignKey("core.Unit", verbose_name=_("owner unit"),
                                   on_delete=models.PROTECT, related_name="indicators")
    source = models.CharField(_("data source"), max_length=200, blank=True,
                              help_text=_("Who publishes it, e.g. the statistics bureau's "
                                          "monthly sheet."))
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    uses_two_year_average = models.BooleanField(
        _("uses the two-year average growth"), default=False,
        help_text=_("Where the bureau compares with two years ago (e.g. after a year with an "
                    "unusual base)."))

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="targets")
    year = _year_field()
    value = models.DecimalField(_("target level"), max_digits=18, decimal_places=4, null=True,
                                blank=True)
    growth_pct = models.DecimalField(_("target growth (%)"), max_digits=7, decimal_places=2,
                                     null=True, blank=True)

    class Meta:
        ordering = ["indicator", "-year"]
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"],
                                               name="indicators_one_target_a_year")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"

    def clean(self) -> None:
        if self.value is None and self.growth_pct is None:
            raise ValidationError({"value": _("Give a target level, a target growth, or both.")})


class Value(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="values")
    year = _year_field()
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Last month of the period: 2 for 1–2月, 3 for the first quarter."))
    level = models.DecimalField(_("published level"), max_digits=18, decimal_places=4, null=True,
                                blank=True)
    official_rate_pct = models.DecimalField(
        _("official year-on-year rate (%)"), max_digits=7, decimal_places=2, null=True,
        blank=True, help_text=_("As published; never derived from the levels."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "year", "month"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["indicator", "year", "month"],
                                               name="indicators_one_value_a_period")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}-{self.month:02d}"

    def clean(self) -> None:
        if self.level is None and self.official_rate_pct is None:
            raise ValidationError({"level": _("Give the level, the official rate, or both.")})
        if (self.indicator_id and self.indicator.frequency == Indicator.Frequency.QUARTERLY
                and self.month not in QUARTER_ENDS):
            raise ValidationError({"month": _("A quarterly indicator is published for months "
                                              "3, 6, 9 and 12.")})


class PeriodFigures(models.Model):
    """One period's level and official rate as someone gives them: a peer zone's published
    figures, or an owner unit's submission before the office accepts it as the Value."""

    year = _year_field()
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    level = models.DecimalField(_("published level"), max_digits=18, decimal_places=4, null=True,
                                blank=True)
    official_rate_pct = models.DecimalField(_("official year-on-year rate (%)"), max_digits=7,
                                            decimal_places=2, null=True, blank=True)

    class Meta:
        abstract = True


class PeerValue(PeriodFigures):
    """A peer zone's published figure for one of our indicators, as imported from the sheet
    the bureau circulates: kept only to rank our zone among its peers."""

    peer = models.CharField(_("peer zone"), max_length=100)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="peer_values")

    class Meta:
        ordering = ["indicator", "year", "month", "peer"]
        verbose_name = _("peer zone value")
        verbose_name_plural = _("peer zone values")
        constraints = [models.UniqueConstraint(fields=["peer", "indicator", "year", "month"],
                                               name="indicators_one_peer_value_a_period")]

    def __str__(self) -> str:
        return f"{self.peer} {self.indicator} {self.year}-{self.month:02d}"


class Submission(PeriodFigures):
    """One period's figures as the owner unit reports them (报送), waiting for the office:
    approved, they become the Value; returned, they stay here with the office's comment.
    The shape of supervision's progress report (submitted, then reviewed)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="submissions")
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("value submission")
        verbose_name_plural = _("value submissions")
        constraints = [models.UniqueConstraint(
            fields=["indicator", "year", "month"], condition=models.Q(status="submitted"),
            name="indicators_one_open_submission_a_period")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}-{self.month:02d} ({self.status})"
