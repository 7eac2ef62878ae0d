from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from previsit.models import PrevisitLink


class SendLinkForm(forms.Form):
    channel = forms.ChoiceField(choices=PrevisitLink.Channel.choices)
    visit_at = forms.DateTimeField(
        label="Visit", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean_visit_at(self):
        value = self.cleaned_data["visit_at"]
        if value <= timezone.now():
            raise forms.ValidationError("The visit must be in the future.")
        return value


class DateOfBirthForm(forms.Form):
    date_of_birth = forms.DateField(
        label=_("Your date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )
