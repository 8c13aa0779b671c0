from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Candidate, Category
from .services import CAMPAIGN_FIELDS


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "voting_starts_on": forms.DateInput(attrs={"type": "date"}),
                   "voting_ends_on": forms.DateInput(attrs={"type": "date"})}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "max_picks", "sort_order"]


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["number", "title", "description", "category", "community", "latitude",
                  "longitude", "estimated_cost", "is_listed"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = campaign.categories.all()
        self.fields["number"].required = False

    def validate_unique(self):
        pass  # the service checks the number within the campaign and says so on the field


class RollUploadForm(forms.Form):
    file = forms.FileField(label=_("Resident roll (.xlsx)"),
                           help_text=_("Columns: 姓名, 身份证号, 住址 or 户号, 社区, and 街道 "
                                       "for a community not known yet."))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False,
                                 initial=True)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class VerifyForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                      "autocapitalize": "characters", "spellcheck": "false"}))
    code = forms.CharField(
        label=_("Voting code"), max_length=30,
        help_text=_("The code printed on your household's voting notice, e.g. ABCDE-FGHJK."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                      "autocapitalize": "characters", "spellcheck": "false"}))


class PaperVoterForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of the resident"), max_length=30,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))


class HandOverForm(forms.Form):
    target = forms.CharField(label=_("Supervision list"), max_length=100,
                             initial="攻坚克难")
