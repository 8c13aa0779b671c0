"""Forms of the recording pages and transfer requests (the services validate again and say
why; their errors land next to the field they name)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zoneops.core.models import Enterprise

from .models import Pollutant, ReserveLevel
from .models_moves import SaleForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MovementForm(forms.Form):
    """One movement between an enterprise and a reserve; sale and buy-back add terms."""

    enterprise = forms.ModelChoiceField(Enterprise.objects.order_by("name"),
                                        label=_("enterprise"))
    pollutant = forms.ChoiceField(choices=Pollutant.choices, label=_("pollutant"))
    reserve_level = forms.ChoiceField(choices=ReserveLevel.choices, label=_("reserve level"),
                                      initial=ReserveLevel.PARK)
    quantity = forms.DecimalField(label=_("quantity (t/a)"), max_digits=14, decimal_places=4)
    valid_from = forms.DateField(label=_("valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("valid to"), widget=DATE, required=False,
                               help_text=_("Empty: five years from the start."))
    legal_basis = forms.CharField(label=_("legal basis"),
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, operation: str, **kwargs):
        super().__init__(*args, **kwargs)
        if operation == "sale":
            self.fields["sale_form"] = forms.ChoiceField(
                choices=[("", "—"), *SaleForm.choices], label=_("sale form"))
        if operation in ("sale", "buyback"):
            self.fields["price"] = forms.DecimalField(
                label=_("price (yuan per t·a)"), decimal_places=2, max_digits=14,
                required=operation == "sale")
            self.fields["amount"] = forms.DecimalField(
                label=_("amount (yuan)"), decimal_places=2, max_digits=16, required=False)
            self.fields["contract_no"] = forms.CharField(label=_("contract number"),
                                                         max_length=100, required=False)
        if operation in ("recall", "buyback", "expiry"):
            self.fields["valid_to"].required = True
            self.fields["valid_to"].help_text = ""


class CapForm(forms.Form):
    pollutant = forms.ChoiceField(choices=Pollutant.choices, label=_("pollutant"))
    quantity = forms.DecimalField(label=_("cap (t/a)"), max_digits=14, decimal_places=4)
    basis = forms.CharField(label=_("legal basis"), widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    buyer = forms.ModelChoiceField(Enterprise.objects.order_by("name"), label=_("buyer"))
    pollutant = forms.ChoiceField(choices=Pollutant.choices, label=_("pollutant"))
    quantity = forms.DecimalField(label=_("quantity (t/a)"), max_digits=14, decimal_places=4)
    price = forms.DecimalField(label=_("price (yuan per t·a)"), max_digits=14,
                               decimal_places=2)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=16, decimal_places=2,
                                required=False,
                                help_text=_("Empty: price × quantity."))
    contract_no = forms.CharField(label=_("contract number"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("valid to"), widget=DATE, required=False,
                               help_text=_("Empty: five years from the start."))

    def __init__(self, *args, seller_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if seller_id is not None:
            self.fields["buyer"].queryset = Enterprise.objects.exclude(
                pk=seller_id).order_by("name")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)


class ApproveForm(forms.Form):
    legal_basis = forms.CharField(label=_("legal basis"),
                                  widget=forms.Textarea(attrs={"rows": 2}))
