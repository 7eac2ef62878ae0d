from django import forms
from django.utils.translation import gettext_lazy as _


class EnrolForm(forms.Form):
    code = forms.CharField(label=_("Enrolment code"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        )


class AddTabletForm(forms.Form):
    name = forms.CharField(label="Tablet name", max_length=60, help_text="For example, Front room")
