"""The form of the projects page: a project and the quantity its EIA requires per pollutant
(the service validates again and says why)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneops.core.models import Enterprise

from .models import Pollutant
from .models_eia import EiaProject

QUANTITY_PREFIX = "quantity_"


class ProjectForm(forms.Form):
    enterprise = forms.ModelChoiceField(Enterprise.objects.order_by("name"),
                                        label=_("enterprise"))
    name = forms.CharField(label=_("project name"), max_length=200)
    document = forms.CharField(label=_("EIA document"), max_length=200,
                               help_text=_("The EIA report or its approval number."))
    status = forms.ChoiceField(label=_("status"), choices=EiaProject.Status.choices,
                               initial=EiaProject.Status.UNDER_REVIEW)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for pollutant in Pollutant.values:
            self.fields[QUANTITY_PREFIX + pollutant] = forms.DecimalField(
                label=_("%(pollutant)s required (t/a)") % {"pollutant": pollutant},
                required=False, min_value=0, decimal_places=4, max_digits=14)

    def project_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("enterprise", "name", "document", "status")}

    def quantities(self) -> dict:
        return {p: self.cleaned_data.get(QUANTITY_PREFIX + p) for p in Pollutant.values}
