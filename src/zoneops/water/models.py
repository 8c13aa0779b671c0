"""The chain's points as records: kind, where the water goes next and how long it takes, the
HJ 212 station that measures it (when one does), who answers for it, and its limits. The
balance itself stays in the pure ``balance`` package; these rows only feed it."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class WaterPoint(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", _("Enterprise discharge (source)")
        NETWORK = "network", _("Pipe network point")
        PLANT_INLET = "plant_inlet", _("Treatment plant inlet")
        PLANT_OUTLET = "plant_outlet", _("Treatment plant outlet")
        OUTFALL = "outfall", _("Outfall into the river")
        RIVER = "river", _("River section")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    downstream = models.ForeignKey("self", verbose_name=_("downstream point"), null=True,
                                   blank=True, on_delete=models.PROTECT,
                                   related_name="upstream")
    travel_minutes = models.FloatField(_("travel time to the downstream point (min)"), default=0)
    # The HJ 212 station whose water readings feed this point (none: unmonitored).
    station = models.ForeignKey("environment.Station", verbose_name=_("monitoring station"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="water_points")
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"), null=True,
                                   blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey("core.Unit", verbose_name=_("responsible unit"), null=True,
                             blank=True, on_delete=models.PROTECT)
    target_class = models.CharField(_("target class"), max_length=3, blank=True)
    limit_set = models.CharField(_("limit set"), max_length=64, blank=True)
    # The park's own 纳管 contract: pollutant → mg/L.
    limits = models.JSONField(_("contract limits (mg/L)"), default=dict, blank=True)
    # Where the point is on the park map (WGS-84); none: the station's location, if any.
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])

    class Meta:
        ordering = ["code"]
        verbose_name = _("water point")
        verbose_name_plural = _("water points")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def location(self) -> tuple[float, float] | None:
        """(latitude, longitude): the point's own, else its station's."""
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.station_id is not None:
            return self.station.latitude, self.station.longitude
        return None

    def as_chain_point(self) -> dict:
        """This point as the balance engine's input."""
        point = {"id": self.code, "kind": self.kind, "travel_minutes": self.travel_minutes}
        if self.downstream_id is not None:
            point["downstream"] = self.downstream.code
        for name in ("target_class", "limit_set", "limits"):
            if getattr(self, name):
                point[name] = getattr(self, name)
        return point
