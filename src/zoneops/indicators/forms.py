from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DRAFT_CHARS = 100_000


class ClaimCheckForm(forms.Form):
    text = forms.CharField(
        label=_("Draft text"), max_length=MAX_DRAFT_CHARS, strip=True,
        widget=forms.Textarea(attrs={"rows": 12, "data-testid": "draft"}),
        help_text=_("Paste a draft; every sentence stating an average yearly growth between two "
                    "years is checked against the compound rate."))
