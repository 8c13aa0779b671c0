"""Forms of the bidding pages (the services validate again and say why)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneops.core.models import Enterprise

from .models import Lot


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["title", "pollutant", "quantity", "years", "reserve_level", "floor_price",
                  "min_increment", "max_increment", "deposit", "opens_at", "closes_at",
                  "extension_seconds", "legal_basis"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                            format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                             format="%Y-%m-%dT%H:%M"),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The lot must close after it opens."))
        low, high = data.get("min_increment"), data.get("max_increment")
        if low is not None and high is not None and high < low:
            self.add_error("max_increment",
                           _("The maximum increment cannot be below the minimum increment."))
        return data


class DepositForm(forms.Form):
    enterprise = forms.ModelChoiceField(Enterprise.objects.order_by("name"),
                                        label=_("enterprise"))
    amount = forms.DecimalField(label=_("amount (yuan)"), min_value=0, decimal_places=2)


class BidForm(forms.Form):
    price = forms.DecimalField(label=_("your price (yuan per t·a)"), min_value=0,
                               decimal_places=2)
