"""Release points (the candidates), traces attached to alerts with their ranked suspects,
and residents' odour reports (嗅辨) with their clusters."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReleasePoint(models.Model):
    """A place an enterprise can release gas from: the candidates of every trace."""

    class Kind(models.TextChoices):
        STACK = "stack", _("Stack")
        TANK_VENT = "tank_vent", _("Tank vent")
        PROCESS_AREA = "process_area", _("Process area")
        WASTEWATER_POOL = "wastewater_pool", _("Wastewater pool")

    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="release_points")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    latitude = models.FloatField(_("latitude (WGS-84)"),
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude (WGS-84)"),
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    height_m = models.FloatField(_("release height (m)"),
                                 validators=[MinValueValidator(0), MaxValueValidator(400)])
    # HJ 212 factor codes (a21028 H2S, a24088 NMHC, ...) it may release.
    substances = models.JSONField(_("substances"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["enterprise__name", "code"]
        verbose_name = _("release point")
        verbose_name_plural = _("release points")
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"],
                                               name="one_release_point_code_per_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.name}"


class Trace(models.Model):
    """The source trace of one alert: its evidence, its result and its suspects. Re-run while
    the alert is open and new data arrives (jobs.run_due)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the worker")
        DONE = "done", _("Done")
        NO_EVIDENCE = "no_evidence", _("Not enough evidence")

    alert = models.OneToOneField("core.Alert", on_delete=models.CASCADE, related_name="trace")
    factor_code = models.CharField(_("factor"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.PENDING, db_index=True)
    anchor = models.DateTimeField(_("alarm time"))
    requested_at = models.DateTimeField(_("requested at"))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    # The newest reading or report the last run saw: a newer one makes the trace due again.
    data_until = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("source trace")
        verbose_name_plural = _("source traces")

    def __str__(self) -> str:
        return f"trace of {self.alert_id}"


class Suspect(models.Model):
    class Decision(models.TextChoices):
        NONE = "", pgettext_lazy("suspect", "Not decided")
        CONFIRMED = "confirmed", pgettext_lazy("suspect", "Confirmed")
        REJECTED = "rejected", pgettext_lazy("suspect", "Rejected")

    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="suspects")
    release_point = models.ForeignKey(ReleasePoint, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(_("rank"))
    probability = models.FloatField(_("probability"))
    rate_median = models.FloatField(_("estimated rate (g/s)"), null=True, blank=True)
    rate_p05 = models.FloatField(null=True, blank=True)
    rate_p95 = models.FloatField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                blank=True, default="")
    rank_at_decision = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["trace", "rank"]
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")
        constraints = [models.UniqueConstraint(fields=["trace", "release_point"],
                                               name="one_suspect_per_point_and_trace")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.release_point}"


class OdourCluster(models.Model):
    """Reports close in space and time; enough of them raise a tracing alert."""

    latitude = models.FloatField()
    longitude = models.FloatField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    reports = models.PositiveIntegerField(default=0)
    alert = models.ForeignKey("core.Alert", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        ordering = ["-last_at"]

    def __str__(self) -> str:
        return f"odour cluster {self.pk} ({self.reports})"


class OdourReport(models.Model):
    """A resident's report of a smell. No account and no phone number: the address it came
    from is kept only as a keyed hash, for the rate limit and duplicate folding."""

    # The review is the decision the trail records; the photo and the address hash are not.
    audit_skipped_fields = ("photo", "address_hash")

    class Smell(models.TextChoices):
        ROTTEN_EGG = "rotten_egg", _("Rotten eggs / sulphur")
        SOLVENT = "solvent", _("Solvent / paint")
        PUNGENT = "pungent", _("Pungent / acrid chemical")
        AMMONIA = "ammonia", _("Ammonia / fishy")
        BURNT = "burnt", _("Burnt / smoke")
        SOUR = "sour", _("Sour / rotting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("Received, waiting for the duty officer")
        REVIEWED = "reviewed", _("Looked into")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("tracking code"), max_length=12, unique=True)
    latitude = models.FloatField(_("latitude"),
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"),
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    observed_at = models.DateTimeField(_("smelled at"))
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    intensity = models.PositiveSmallIntegerField(_("intensity (0-5)"),
                                                 validators=[MaxValueValidator(5)])
    smell = models.CharField(_("smell"), max_length=12, choices=Smell.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.FileField(_("photo"), upload_to="odour/%Y/%m/", blank=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A second report of the same smell from the same address shortly after: kept, folded.
    folded_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="folded")
    cluster = models.ForeignKey(OdourCluster, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="members")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.NEW, db_index=True)
    outcome = models.TextField(_("outcome shown to the reporter"), blank=True)
    reviewed_by = models.ForeignKey("core.User", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("odour report")
        verbose_name_plural = _("odour reports")

    def __str__(self) -> str:
        return self.code
