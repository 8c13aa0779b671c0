"""Forms parse and shape input; services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Light


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls, .csv, or .docx with a table)"))
    list_name = forms.CharField(label=_("List"), max_length=100, required=False,
                                help_text=_("e.g. 重点任务, 改革突破, 攻坚克难. Leave it empty "
                                            "to import each sheet into its own list."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    create_units = forms.BooleanField(label=_("Create units the zone does not have"),
                                      required=False)


class ReportForm(forms.Form):
    period = forms.RegexField(label=_("Period"), regex=r"^\d{4}-\d{2}$", max_length=7)
    progress = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    summary = forms.CharField(label=_("Progress this period"), widget=forms.Textarea(
        attrs={"rows": 4}))
    difficulties = forms.CharField(label=_("Difficulties"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    funds_used = forms.DecimalField(label=_("Funds used (10k yuan)"), required=False,
                                    max_digits=14, decimal_places=2)

    def __init__(self, *args, nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.node_list = list(nodes)
        for node in self.node_list:
            self.fields[f"actual_{node.pk}"] = forms.DateField(
                label=_("Actual date"), required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
            self.fields[f"evidence_{node.pk}"] = forms.CharField(
                label=_("Evidence"), required=False, max_length=2000)
            self.fields[f"note_{node.pk}"] = forms.CharField(label=_("Note"), required=False,
                                                             max_length=300)

    def node_rows(self):
        return [(node, self[f"actual_{node.pk}"], self[f"evidence_{node.pk}"],
                 self[f"note_{node.pk}"]) for node in self.node_list]

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [{"node_id": node.pk, "actual_date": data.get(f"actual_{node.pk}"),
                 "evidence": data.get(f"evidence_{node.pk}", ""),
                 "note": data.get(f"note_{node.pk}", "")} for node in self.node_list]


class ManualLightForm(forms.Form):
    light = forms.ChoiceField(label=_("Light"), required=False,
                              choices=[("", _("By the rules"))] + list(Light.choices))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ExtensionForm(forms.Form):
    node = forms.IntegerField(widget=forms.HiddenInput)
    new_date = forms.DateField(label=_("Requested date"),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    current_progress = forms.CharField(label=_("Current progress"),
                                       widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), required=False, max_length=100)
    due_date = forms.DateField(label=_("Due date"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
