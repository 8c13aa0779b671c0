"""Forms only parse and present; services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OdourReport, ReleasePoint


class PointForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReleasePoint.Kind.choices)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), min_value=-180, max_value=180)
    height_m = forms.FloatField(label=_("Release height (m)"), min_value=0, max_value=400)
    substances = forms.CharField(label=_("Substances (HJ 212 codes)"), required=False,
                                 help_text=_("e.g. a21028, a24088"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def of(cls, point: ReleasePoint) -> PointForm:
        return cls(initial={"code": point.code, "name": point.name, "kind": point.kind,
                            "latitude": point.latitude, "longitude": point.longitude,
                            "height_m": point.height_m,
                            "substances": ", ".join(point.substances or []),
                            "is_active": point.is_active})


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[
        (OdourReport.Status.REVIEWED, OdourReport.Status.REVIEWED.label),
        (OdourReport.Status.CLOSED, OdourReport.Status.CLOSED.label)])
    outcome = forms.CharField(label=_("Outcome shown to the reporter"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


INTENSITY = [(0, _("0 · no smell")), (1, _("1 · barely noticeable")),
             (2, _("2 · faint but recognisable")), (3, _("3 · easily noticed")),
             (4, _("4 · strong")), (5, _("5 · very strong"))]


class OdourForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput,
                                error_messages={"required": _("Tap the map or use your "
                                                              "location.")})
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput,
                                 error_messages={"required": _("Tap the map or use your "
                                                               "location.")})
    observed_at = forms.DateTimeField(label=_("When did you smell it?"),
                                      input_formats=["%Y-%m-%dT%H:%M"],
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    intensity = forms.TypedChoiceField(label=_("How strong?"), choices=INTENSITY, coerce=int,
                                       widget=forms.RadioSelect)
    smell = forms.ChoiceField(label=_("What does it smell like?"),
                              choices=OdourReport.Smell.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything else (optional)"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
    # A field people never see: a form that fills it is a robot's.
    website = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off", "class": "hp"}))
