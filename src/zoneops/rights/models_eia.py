"""New projects and the rights their environmental impact assessment (EIA, 环评) says they need:
"no rights, no project" (总量控制: a project proceeds only if rights cover its EIA quantity)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Pollutant


class EiaProject(models.Model):
    """A planned project of an enterprise, registered by the office from its EIA document."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("EIA in preparation")
        UNDER_REVIEW = "review", _("EIA under review")
        APPROVED = "approved", _("EIA approved")
        WITHDRAWN = "withdrawn", _("withdrawn")

    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"),
                                   on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("project name"), max_length=200)
    document = models.CharField(_("EIA document"), max_length=200,
                                help_text=_("The EIA report or its approval number."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.UNDER_REVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("EIA project")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.name}"


class EiaRequirement(models.Model):
    """The quantity of one pollutant the EIA requires: the whole plant's total after the
    project, in t/a, so it is compared with everything the enterprise holds."""

    project = models.ForeignKey(EiaProject, on_delete=models.CASCADE,
                                related_name="requirements")
    pollutant = models.CharField(_("pollutant"), max_length=5, choices=Pollutant.choices)
    quantity = models.DecimalField(_("required quantity (t/a)"), max_digits=14,
                                   decimal_places=4)

    class Meta:
        verbose_name = _("EIA quantity")
        ordering = ["project", "pollutant"]
        constraints = [
            models.UniqueConstraint(fields=["project", "pollutant"],
                                    name="rights_eia_one_quantity_per_pollutant"),
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)),
                                   name="rights_eia_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.pollutant} {self.quantity} t/a"
