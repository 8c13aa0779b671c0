"""The zone's geography: its boundary, functional areas (片区) and blocks (板块), as GeoJSON."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    class Kind(models.TextChoices):
        ZONE = "zone", _("Zone")
        AREA = "area", _("Functional area")
        BLOCK = "block", _("Block")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("part of"))
    # A GeoJSON geometry (Polygon or MultiPolygon) in WGS-84 longitude/latitude.
    geometry = models.JSONField(_("geometry"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name
