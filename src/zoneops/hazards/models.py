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
