"""Forms only parse and present; services validate business rules and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, NotificationChannel, Place, Unit, User


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class UnitForm(forms.ModelForm):
    aliases = forms.CharField(label=_("Aliases"), required=False,
                              help_text=_("Other names, separated by commas or new lines."),
                              widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "leader", "sort_order",
                  "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["aliases"].initial = "\n".join(
                self.instance.aliases.values_list("alias", flat=True))
        self.fields["leader"].queryset = User.objects.filter(role="leader", is_active=True)

    def alias_list(self) -> list[str]:
        raw = self.cleaned_data.get("aliases", "")
        return [a.strip() for a in raw.replace("，", ",").replace("\n", ",").split(",")]


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "industry", "block", "unit", "in_chemical_park",
                  "address", "latitude", "longitude", "contact_name", "contact_phone",
                  "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = Place.objects.filter(kind=Place.Kind.BLOCK)


class UserForm(forms.ModelForm):
    password = forms.CharField(label=_("Password"), required=False, widget=forms.PasswordInput,
                               help_text=_("Leave empty to keep the current password."))

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "role", "unit", "enterprise",
                  "is_active", "must_change_password"]


class ChannelForm(forms.ModelForm):
    class Meta:
        model = NotificationChannel
        fields = ["kind", "target", "secret", "enabled"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}
        help_texts = {"secret": _("DingTalk 加签 secret, if the robot uses one. Leave empty to "
                                  "keep the current secret.")}


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(is_active=True),
                                  required=False)
    user = forms.ModelChoiceField(label=_("Person"), required=False,
                                  queryset=User.objects.filter(is_active=True).exclude(
                                      role="leader"))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False,
                                        queryset=Enterprise.objects.filter(is_active=True))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class HandleForm(forms.Form):
    feedback = forms.CharField(label=_("What was done"), widget=forms.Textarea(
        attrs={"rows": 3}))
    files = forms.FileField(label=_("Evidence"), required=False,
                            widget=MultipleFileInput(attrs={"multiple": True}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class PasswordChangeForm(forms.Form):
    """A person's own new password; the service checks the current one and the validators."""

    old_password = forms.CharField(label=_("Current password"), strip=False,
                                   widget=forms.PasswordInput(
                                       attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(
                                        attrs={"autocomplete": "new-password"}),
                                    help_text=password_validators_help_text_html())
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(
                                        attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and (
                data["new_password1"] != data["new_password2"]):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data
