"""Organisations: the committee's units (a tree) and the enterprises of the zone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A department of the committee, a sub-district, a state-owned company…"""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Committee department")
        SUBDISTRICT = "subdistrict", _("Sub-district")
        SOE = "soe", _("State-owned company")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    leader = models.ForeignKey(
        "core.User", verbose_name=_("leader in charge"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_units",
        help_text=_("Receives escalations of this unit's overdue alerts."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another name people write for a unit (old names, abbreviations), used to match imports."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=100, unique=True)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")

    def __str__(self) -> str:
        return self.alias


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    block = models.ForeignKey(
        "core.Place", verbose_name=_("block"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="enterprises",
        limit_choices_to={"kind": "block"},
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("supervising unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="enterprises",
    )
    in_chemical_park = models.BooleanField(_("in the chemical park"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                                    null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name
