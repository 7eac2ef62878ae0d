from django import forms
from django.utils.translation import gettext_lazy as _


class StaffReturnForm(forms.Form):
    username = forms.CharField(label=_("Staff username"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=200, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "off"})
        # Large inputs for a tablet held in one hand at the front desk.
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-lg"
