from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DRAFT_CHARS = 100_000


class ClaimCheckForm(forms.Form):
    text = forms.CharField(
        label=_("Draft text"), max_length=MAX_DRAFT_CHARS, strip=True,
        widget=forms.Textarea(attrs={"rows": 12, "data-testid": "draft"}),
        help_text=_("Paste a draft; every sentence stating an average yearly growth between two "
                    "years is checked against the compound rate."))


class ValueForm(forms.Form):
    """One period's published figures; the service validates the rest (quarter months, at
    least one figure) and the errors come back on the fields."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12,
                               help_text=_("Last month of the period: 2 for 1–2月, 3 for the "
                                           "first quarter."))
    level = forms.DecimalField(label=_("published level"), required=False, max_digits=18,
                               decimal_places=4)
    official_rate_pct = forms.DecimalField(label=_("official year-on-year rate (%)"),
                                           required=False, max_digits=7, decimal_places=2,
                                           help_text=_("As published; never derived from the "
                                                       "levels."))
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class BureauImportForm(forms.Form):
    file = forms.FileField(label=_("The bureau's monthly sheet"),
                           help_text=_(".xlsx, .xls, .csv or a table in .docx"))
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False,
                              help_text=_("Only when the sheet's title does not say it."))
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12, required=False,
                               help_text=_("Last month of the period: 2 for 1–2月."))


class PeerImportForm(forms.Form):
    file = forms.FileField(label=_("The peer zones' sheet"),
                           help_text=_(".xlsx, .xls, .csv or a table in .docx"))
