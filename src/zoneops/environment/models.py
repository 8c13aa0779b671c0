"""Stations, factors, readings, per-station gateway state, alarm rules and alarm engine state."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Factor(models.Model):
    """A measured quantity, by its HJ 212 code (seeded from zoneops.hj212.codes)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    # False for codes a device sent that the HJ 212 tables do not know (kept, never dropped).
    from_code_table = models.BooleanField(_("from the HJ 212 code table"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("factor")
        verbose_name_plural = _("factors")

    def __str__(self) -> str:
        return f"{self.name_zh or self.name_en} ({self.code})"

    @property
    def name(self) -> str:
        """The name in the reader's language (the code table has both)."""
        english = (get_language() or "").startswith("en")
        return (self.name_en if english else self.name_zh) or self.name_zh or self.name_en


class Station(models.Model):
    class Kind(models.TextChoices):
        """What a station measures, in the standards' terms (each limit applies to one):
        GB 3095 ambient air (环境空气); the park's own boundary (园区边界); an enterprise's
        boundary (企业边界/厂界: GB 14554, GB 31571 Table 7); inside a plant (厂区内: GB 37822
        Table A.1); weather (气象); and water: wastewater (废水: an enterprise's outlet, the
        network, a treatment plant's inlet or outlet; HJ 212 ST 32, GB 31571 Table 1) and
        surface water (地表水: GB 3838, HJ 212 ST 21); and an enterprise's stack (排气筒/废气排放口:
        flue-gas flow a00000 and concentrations, HJ 212 ST 31). (The stored names of the two
        boundaries are kept from before, for importers and deployments: "boundary" is the
        park's, "enterprise" an enterprise's.)"""

        AMBIENT = "ambient", _("Ambient air station")
        BOUNDARY = "boundary", _("Park boundary station")
        ENTERPRISE = "enterprise", _("Enterprise boundary station")
        IN_PLANT = "in_plant", _("In-plant monitor (inside the plant area)")
        WEATHER = "weather", _("Weather mast")
        WASTEWATER = "wastewater", _("Wastewater monitoring point")
        SURFACE_WATER = "surface_water", _("Surface water station")
        STACK = "stack", _("Stack (flue-gas outlet)")

    # Kinds the air watch leaves out: they belong to the wastewater chain's pages.
    WATER_KINDS = (Kind.WASTEWATER, Kind.SURFACE_WATER)

    mn = models.CharField(_("MN (device id)"), max_length=64, unique=True)
    # The device sends its PW in clear in every packet; it is a shared secret we must compare,
    # so it is stored as given (and left out of the audit trail, see core.services.audit).
    password = models.CharField(_("access password (PW)"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    latitude = models.FloatField(_("latitude (WGS-84)"),
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude (WGS-84)"),
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="stations")
    # Without a unit only the roles that read everything see the station.
    unit = models.ForeignKey("core.Unit", verbose_name=_("responsible unit"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="stations")
    no_data_seconds = models.PositiveIntegerField(
        _("silent after (seconds)"), default=600,
        help_text=_("A no-data alarm is raised when nothing arrives for this long."))
    # A reading dated further ahead of the gateway's clock than this is stored but flagged
    # (Reading.qc), judged at its arrival time, and raises the station's clock alarm.
    max_clock_skew_seconds = models.PositiveIntegerField(
        _("clock skew allowed (seconds)"), default=300,
        help_text=_("Readings dated further ahead of the platform's clock are flagged and "
                    "raise a data-quality alarm."))
    is_active = models.BooleanField(_("active"), default=True)
    factors = models.ManyToManyField(Factor, through="StationFactor", related_name="stations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mn"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self) -> str:
        return self.name


# The standards' names (GB 3095 环境空气; GB 14554/GB 31571 企业边界 or 厂界; GB 37822 厂区内),
# each also with 站, 监测站, 监测点 after it.
_KIND_STEMS = {"环境空气": "ambient", "环境空气质量": "ambient", "园区边界": "boundary",
               "企业边界": "enterprise", "企业厂界": "enterprise",
               "厂界": "enterprise", "厂区内": "in_plant",
               "气象": "weather", "废水": "wastewater", "污水": "wastewater",
               "地表水": "surface_water", "地表水水质": "surface_water",
               "排气筒": "stack", "废气排放口": "stack", "废气": "stack"}
KIND_NAMES = {stem + suffix: kind for stem, kind in _KIND_STEMS.items()
              for suffix in ("", "站", "监测站", "监测点", "自动站")}


def kind_of(text: str) -> str:
    """A station kind from what a person wrote: its stored name, or a Chinese name of the
    standards (a sheet cell, a rule file, the command line). Unknown text is returned as
    it is (the caller says it is not a kind)."""
    text = text.strip()
    return KIND_NAMES.get(text.replace(" ", ""), text)


class StationFactor(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="station_factors")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    # The code the device sends for this factor when it is not the 2017 one (an HJ/T
    # 212-2005 logger's "05" for a21028): readings are filed under the 2017 factor.
    device_code = models.CharField(_("code sent by the device"), max_length=16, blank=True)
    # The unit the device reports this factor in ("" = the factor's own unit, mg/m³ for
    # gases); rules convert to theirs (units.py).
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        ordering = ["station", "factor__code"]
        constraints = [models.UniqueConstraint(fields=["station", "factor"],
                                               name="one_factor_per_station")]
        verbose_name = _("station factor")
        verbose_name_plural = _("station factors")

    def __str__(self) -> str:
        return f"{self.station} · {self.factor.code}"


class ReadingKind(models.TextChoices):
    RTD = "rtd", _("Real-time")
    MIN = "min", _("Minute")
    HOUR = "hour", _("Hourly")
    DAY = "day", _("Daily")


class Reading(models.Model):
    """One value. A plain, narrow table: on PostgreSQL it can be range-partitioned by `time`
    (or made a Timescale hypertable) without touching the code; no FK from other tables
    points here, and the unique key includes `time` as partitioning requires.

    No foreign-key constraints and no single-column indexes on ``station`` and ``factor``:
    PostgreSQL checked both keys row by row at every commit (a ``FOR KEY SHARE`` lookup per
    row and key), which cost ingest a third of its throughput, and the unique key and
    ``(station, time)`` already serve every lookup. What the constraints guarded still holds:
    ingest writes only the ids of registered stations and factors, inside a transaction that
    locks (or creates, under its own foreign key) the station's gateway row; and a station or
    factor that has readings cannot be deleted: PROTECT in the ORM and, on PostgreSQL,
    triggers (migration 0004) against raw SQL too."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+",
                                db_constraint=False, db_index=False)
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    time = models.DateTimeField(_("time"))  # UTC
    kind = models.CharField(_("kind"), max_length=4, choices=ReadingKind.choices)
    value = models.FloatField(_("value"), null=True)
    flag = models.CharField(_("data flag"), max_length=4, default="N")
    # The platform's own quality marks (bits, see QC_*), apart from the device's flag. Left
    # to its database default on the hot path; set afterwards for the rare flagged upload.
    qc = models.PositiveSmallIntegerField(_("platform quality marks"), default=0, db_default=0)

    QC_CLOCK_AHEAD = 1  # dated ahead of the gateway's clock by more than the station allows
    QC_COMPUTED = 2  # a mean the platform computed from real-time readings (hourly.py)
    QC_BAD_VALUE = 4  # the device sent a value that is not a number (ReadingDetail.problem)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [models.UniqueConstraint(fields=["station", "factor", "time", "kind"],
                                               name="one_reading_per_station_factor_time_kind")]
        # Every read is by station (charts, export, alarms' context, the wind); an index on
        # time alone served none and cost every insert.
        indexes = [models.Index(fields=["station", "time"], name="reading_station_time")]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.factor_id}/{self.time:%Y-%m-%d %H:%M:%S}"


class ReadingDetail(models.Model):
    """What a reading came with besides its value and flag, stored only when there is any:
    the normalised (折算, -Zs*) value, a period's min/max/cumulative amount, the vendor flag
    (-EFlag), the sampling time (-SampleTime) and, for a value that was not a number, what
    was wrong (the reading is then stored without a value and marked Reading.QC_BAD_VALUE).
    Keyed like Reading (same columns, no foreign-key checks) and written off the hot path's
    main table, so the narrow reading rows stay as they are."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+",
                                db_constraint=False, db_index=False)
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+",
                               db_constraint=False, db_index=False)
    time = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=4, choices=ReadingKind.choices)
    zs = models.FloatField(_("normalised value"), null=True)
    min = models.FloatField(_("minimum"), null=True)
    max = models.FloatField(_("maximum"), null=True)
    cou = models.FloatField(_("cumulative amount"), null=True)
    eflag = models.CharField(_("vendor flag"), max_length=20, blank=True)
    sample_time = models.CharField(_("sample time"), max_length=20, blank=True)
    problem = models.CharField(_("problem"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reading detail")
        verbose_name_plural = _("reading details")
        constraints = [models.UniqueConstraint(fields=["station", "factor", "time", "kind"],
                                               name="one_detail_per_reading")]
        indexes = [models.Index(fields=["station", "time"], name="reading_detail_station_time")]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.factor_id}/{self.time:%Y-%m-%d %H:%M:%S}"


class DeviceStatus(models.Model):
    """A logger's report about its equipment rather than a pollutant (HJ 212-2017): running
    state (CN 2021, ``SBxxx-RS``: 0 off, 1 running, 2 calibrating, 3 maintenance, 4 alarm,
    5 back-blowing), daily running time (CN 2041, ``SBxxx-RT`` hours) and the logger's
    power-on (CN 2081, ``RestartTime``). ``values`` is every data-area item as sent."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="statuses")
    cn = models.CharField(_("command"), max_length=6)
    time = models.DateTimeField(_("time"))  # DataTime (UTC), or the arrival without one
    values = models.JSONField(_("values"), default=dict)
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["station", "-time"]
        verbose_name = _("device status")
        verbose_name_plural = _("device statuses")
        constraints = [models.UniqueConstraint(fields=["station", "cn", "time"],
                                               name="one_device_status_per_time")]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.cn}/{self.time:%Y-%m-%d %H:%M:%S}"


class GatewayState(models.Model):
    """What the gateways know about a station's connection (several gateways may update it:
    counters are only ever incremented in SQL)."""

    station = models.OneToOneField(Station, on_delete=models.CASCADE, primary_key=True,
                                   related_name="gateway_state")
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_address = models.CharField(_("last address"), max_length=64, blank=True)
    packets = models.PositiveBigIntegerField(_("packets stored"), default=0)
    readings = models.PositiveBigIntegerField(_("readings stored"), default=0)
    rejects = models.PositiveBigIntegerField(_("packets rejected"), default=0)
    reject_streak = models.PositiveIntegerField(_("rejects in a row"), default=0)
    # The alarm engine's state for every rule and factor of the station ("rule id:factor
    # code" -> engine.State as a dict), written with the counters in one statement per batch.
    # ``version`` grows with every write: a gateway keeps the state in memory and reloads it
    # only when another process has written since (see alarms.StateCache).
    alarm_state = models.JSONField(default=dict, blank=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("gateway state")
        verbose_name_plural = _("gateway states")

    def __str__(self) -> str:
        return str(self.station)


class RejectCount(models.Model):
    """Rejected packets of a station by the hj212 reason code (or auth codes); and, under the
    codes of VALUE_REASONS, single values left out of packets that were kept (they add to
    neither GatewayState.rejects nor the rejects-in-a-row streak)."""

    VALUE_REASONS = ("unknown_factor", "unregistered_factor", "bad_value", "conflict")

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="reject_counts")
    code = models.CharField(_("reason"), max_length=40)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    last_at = models.DateTimeField(_("last at"), null=True)
    last_message = models.CharField(_("last message"), max_length=300, blank=True)

    class Meta:
        ordering = ["station", "-count"]
        constraints = [models.UniqueConstraint(fields=["station", "code"],
                                               name="one_reject_counter_per_code")]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.code}={self.count}"


class AlarmRule(models.Model):
    """Alarm rules are data: loaded from data/alarm_rules.json (with their sources) and
    editable by a deployment. `tiers` is a list of {"name", "level", "on", "off"}, lowest
    first; see engine.Rule for what each kind means."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("Concentration level")
        RATE = "rate", _("Rate of change")
        NO_DATA = "no_data", _("No data")
        QUALITY = "quality", _("Data quality")
        REJECTS = "rejects", _("Rejected packets")
        CLOCK = "clock", _("Logger clock ahead")

    class Scope(models.TextChoices):
        ALL = "all", _("All stations")
        KIND = "kind", _("Stations of a kind")
        STATION = "station", _("One station")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    factor = models.ForeignKey(Factor, verbose_name=_("factor"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reading_kind = models.CharField(_("reading kind"), max_length=4,
                                    choices=ReadingKind.choices, default=ReadingKind.RTD)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices,
                             default=Scope.ALL)
    scope_kind = models.CharField(_("station kind"), max_length=20, blank=True,
                                  choices=Station.Kind.choices)
    scope_station = models.ForeignKey(Station, verbose_name=_("station"), null=True,
                                      blank=True, on_delete=models.CASCADE, related_name="+")
    tiers = models.JSONField(_("tiers"), default=list)
    duration_readings = models.PositiveIntegerField(_("persist for readings"), default=1)
    duration_seconds = models.PositiveIntegerField(_("persist for seconds"), default=0)
    # The unit of the tiers' values ("" = the factor's own unit); readings are converted.
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    clear_seconds = models.PositiveIntegerField(
        _("clear after (seconds)"), default=0,
        help_text=_("A lower tier or a clear waits for the measure to stay down this long."))
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("alarm rule")
        verbose_name_plural = _("alarm rules")

    def __str__(self) -> str:
        return self.name


class AlarmState(models.Model):
    """The current tier of one station × factor × rule (for the map and the station page),
    written when the tier changes. The engine's running state lives in GatewayState."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(AlarmRule, on_delete=models.CASCADE, related_name="+")
    # Factor code, or "" for station-wide rules (no data, rejects).
    factor_code = models.CharField(max_length=16, blank=True)
    tier = models.SmallIntegerField(default=-1)
    level = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "rule", "factor_code"],
                                               name="one_state_per_station_rule_factor")]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.rule_id}/{self.factor_code}"


class MaintenanceWindow(models.Model):
    """A time during which a station is being serviced (calibration, repair): its readings are
    stored and judged as always, but it raises no alarm, so the duty officer is not called out
    for a technician's span gas. Written through services.create/update/end_maintenance."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE,
                                related_name="maintenance_windows")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey("core.User", verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["station", "ends_at"])]
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")

    def __str__(self) -> str:
        return f"{self.station} · {self.reason}"
