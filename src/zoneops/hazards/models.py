"""The major-hazard registry: an enterprise's units (生产单元 / 储存单元) with their outline,
the equipment in each with the design maximum of each chemical it holds, the chemicals, and
the history of each unit's GB 18218 assessment. Grading itself lives in the pure engine
(``gb18218``); these models store its inputs and results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chemical(models.Model):
    """A chemical as the park names it. ``categories`` are GB 18218-2018 Table 2 codes
    (e.g. ["W2", "J1"]), needed when Table 1 does not name it or Table 3 gives no β."""

    class State(models.TextChoices):
        GAS = "gas", _("Gas")
        LIQUEFIED_GAS = "liquefied_gas", _("Liquefied gas")
        LIQUID = "liquid", _("Liquid")
        SOLID = "solid", _("Solid")

    name = models.CharField(_("name"), max_length=200, unique=True)
    cas = models.CharField(_("CAS number"), max_length=12, blank=True)
    categories = models.JSONField(_("hazard categories"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, blank=True)
    molar_mass = models.DecimalField(
        _("molar mass (g/mol)"), max_digits=9, decimal_places=3, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("chemical")
        verbose_name_plural = _("chemicals")

    def __str__(self) -> str:
        return self.name


class HazardUnit(models.Model):
    """A unit in the sense of GB 18218: process equipment between isolation valves, or a tank
    farm inside one fire dike, or one warehouse."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production unit")
        STORAGE = "storage", _("Storage unit")

    enterprise = models.ForeignKey(
        "core.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="hazard_units",
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # GeoJSON Polygon or MultiPolygon in WGS-84 longitude/latitude (as core places).
    geometry = models.JSONField(_("outline"), null=True, blank=True)
    population_500m = models.PositiveIntegerField(
        _("residents within 500 m"), null=True, blank=True
    )
    population_source = models.CharField(
        _("population source"), max_length=200, default="entered", blank=True
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["enterprise__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code"], name="hazards_unit_code_per_enterprise"
            )
        ]
        verbose_name = _("hazard unit")
        verbose_name_plural = _("hazard units")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.name}"


class Equipment(models.Model):
    class Kind(models.TextChoices):
        TANK = "tank", _("Tank")
        VESSEL = "vessel", _("Vessel")
        WAREHOUSE = "warehouse", _("Warehouse")
        PIPELINE = "pipeline", _("Pipeline")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        HazardUnit,
        verbose_name=_("hazard unit"),
        on_delete=models.CASCADE,
        related_name="equipment",
    )
    tag = models.CharField(_("tag"), max_length=50)
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["unit", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "tag"], name="hazards_equipment_tag_per_unit")
        ]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return self.tag if not self.name else f"{self.tag} {self.name}"


class Holding(models.Model):
    """A chemical in a piece of equipment, at its design maximum (设计最大量) in tonnes: the q of
    GB 18218."""

    equipment = models.ForeignKey(
        Equipment, verbose_name=_("equipment"), on_delete=models.CASCADE, related_name="holdings"
    )
    chemical = models.ForeignKey(
        Chemical, verbose_name=_("chemical"), on_delete=models.PROTECT, related_name="holdings"
    )
    design_max_t = models.DecimalField(_("design maximum (t)"), max_digits=14, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "chemical"], name="hazards_one_holding_per_chemical"
            )
        ]
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")

    def __str__(self) -> str:
        return f"{self.equipment}: {self.chemical} {self.design_max_t} t"


class Assessment(models.Model):
    """One GB 18218 assessment of a unit, kept forever: a new row whenever its inputs change.
    ``inputs`` is the engine's UNIT JSON; ``result`` its answer with the reasons. When the
    inputs are incomplete (no population, a chemical without the category it needs) ``error``
    says why and the numbers are empty."""

    unit = models.ForeignKey(
        HazardUnit,
        verbose_name=_("hazard unit"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    inputs = models.JSONField(_("inputs"))
    result = models.JSONField(_("assessment result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    s = models.DecimalField(_("S"), max_digits=16, decimal_places=6, null=True, blank=True)
    r = models.DecimalField(_("R"), max_digits=16, decimal_places=6, null=True, blank=True)
    major = models.BooleanField(_("major hazard"), default=False)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.unit} @ {self.assessed_at:%Y-%m-%d %H:%M}"


class SensitivePlace(models.Model):
    """A place a threat zone must count: a residential area with its population, a school, a
    hospital (the receptors of ``threatzone``; monitoring stations come from environment)."""

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential area")
        SCHOOL = "school", _("School")
        HOSPITAL = "hospital", _("Hospital")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), default=0)
    latitude = models.FloatField(_("latitude (WGS-84)"))
    longitude = models.FloatField(_("longitude (WGS-84)"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("sensitive place")
        verbose_name_plural = _("sensitive places")

    def __str__(self) -> str:
        return self.name


class Responsible(models.Model):
    """One person of a major hazard's 包保 chain: the enterprise's three responsible people
    with their duty cadences (《危险化学品企业重大危险源安全包保责任制办法（试行）》, 2021) and the
    park's linked zone leader, supervising department and assigned expert."""

    class Role(models.TextChoices):
        MAIN = "main", _("Principal responsible person")
        TECHNICAL = "technical", _("Technical responsible person")
        OPERATIONS = "operations", _("Operations responsible person")
        ZONE_LEADER = "zone_leader", _("Linked zone leader")
        DEPARTMENT = "department", _("Supervising department")
        EXPERT = "expert", _("Assigned expert")

    class Cadence(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly")
        MONTHLY = "monthly", _("Monthly")
        WEEKLY = "weekly", _("Weekly")

    unit = models.ForeignKey(HazardUnit, verbose_name=_("hazard unit"), on_delete=models.CASCADE,
                             related_name="responsibles")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("platform account"),
                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["unit", "role"]
        constraints = [models.UniqueConstraint(fields=["unit", "role"],
                                               name="hazards_one_responsible_per_role")]
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible people")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def cadence(self) -> str | None:
        return CADENCE_BY_ROLE.get(self.role)

    def get_cadence_display(self) -> str:
        return str(Responsible.Cadence(self.cadence).label) if self.cadence else ""


CADENCE_BY_ROLE = {
    Responsible.Role.MAIN: Responsible.Cadence.QUARTERLY,
    Responsible.Role.TECHNICAL: Responsible.Cadence.MONTHLY,
    Responsible.Role.OPERATIONS: Responsible.Cadence.WEEKLY,
}


class DutyRecord(models.Model):
    """A 包保 duty done: what was checked and what was found, with photos."""

    responsible = models.ForeignKey(Responsible, verbose_name=_("responsible person"),
                                    on_delete=models.CASCADE, related_name="duties")
    done_on = models.DateField(_("done on"))
    checked = models.TextField(_("what was checked"))
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-pk"]
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")

    def __str__(self) -> str:
        return f"{self.responsible} {self.done_on}"


def duty_photo_path(instance: DutyPhoto, filename: str) -> str:
    return f"hazards/duties/{instance.record_id}/{filename}"


class DutyPhoto(models.Model):
    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=duty_photo_path)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("duty photo")
        verbose_name_plural = _("duty photos")

    def __str__(self) -> str:
        return self.image.name


class Plan(models.Model):
    """An emergency plan (预案) attached to a major hazard, with its trigger levels: one line
    per level, e.g. "一级: 泄漏无法控制、威胁区内有居民 → 园区级响应"."""

    unit = models.ForeignKey(HazardUnit, verbose_name=_("hazard unit"), on_delete=models.CASCADE,
                             related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=40, blank=True)
    trigger_levels = models.TextField(_("trigger levels"), blank=True)
    actions = models.TextField(_("first actions"), blank=True)

    class Meta:
        ordering = ["unit", "title"]
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")

    def __str__(self) -> str:
        return self.title


class Resource(models.Model):
    """A response team, a piece of equipment or a stockpile, with where it is."""

    class Kind(models.TextChoices):
        TEAM = "team", _("Response team")
        EQUIPMENT = "equipment", _("Equipment")
        STOCKPILE = "stockpile", _("Stockpile")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    latitude = models.FloatField(_("latitude (WGS-84)"))
    longitude = models.FloatField(_("longitude (WGS-84)"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("emergency resource")
        verbose_name_plural = _("emergency resources")

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    """An emergency at a major hazard: opened from an alert or by hand; a drill notifies no
    one outside the platform."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(HazardUnit, verbose_name=_("hazard unit"), on_delete=models.PROTECT,
                             related_name="incidents")
    alert = models.ForeignKey("core.Alert", verbose_name=_("alert"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    drill = models.BooleanField(_("drill"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    # The release as last entered on the zone form (recomputed with each new wind).
    release = models.JSONField(_("release"), default=dict, blank=True)
    summary = models.TextField(_("closing summary"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"),
                                  null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title


class IncidentEvent(models.Model):
    """One timestamped line of an incident's timeline (each also in the audit trail)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        ZONE = "zone", _("Threat zone drawn")
        TASK = "task", _("Task assigned")
        TASK_DONE = "task_done", _("Task done")
        TASK_CLOSED = "task_closed", _("Task verified")
        NOTIFIED = "notified", _("Notified")
        NOTE = "note", _("Note")
        CLOSED = "closed", _("Closed")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.get_kind_display()}"


class IncidentTask(models.Model):
    """A task to a unit with a deadline: assigned → done (by the unit) → verified (by the
    command), as the alert loop's assign/handle/close."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DONE = "done", _("Done")
        CLOSED = "closed", _("Verified")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    assignee_unit = models.ForeignKey("core.Unit", verbose_name=_("assigned unit"),
                                      on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("task"), max_length=300)
    due_at = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ASSIGNED)
    feedback = models.TextField(_("handling feedback"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("incident task")
        verbose_name_plural = _("incident tasks")

    def __str__(self) -> str:
        return self.text
