from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone

from clients.models import Client
from clients.phones import normalise_phone
from clients.selectors import possible_duplicates

OLDEST_PLAUSIBLE_AGE = 120
PHONE_FIELDS = ("phone", "emergency_contact_phone", "physician_phone", "physician_fax")


class ClientForm(forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person with the same name and date of birth",
    )

    class Meta:
        model = Client
        fields = [
            "legal_name",
            "preferred_name",
            "date_of_birth",
            "phone",
            "email",
            "address",
            "preferred_language",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "physician_name",
            "physician_practice",
            "physician_phone",
            "physician_fax",
            "physician_email",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {"physician_fax": "Referral letters can be faxed or emailed here."}
        error_messages = {
            "legal_name": {"required": "Enter the client's legal name."},
            "phone": {"required": "Enter a phone number the clinic can call."},
            "date_of_birth": {
                "required": "Enter the date of birth.",
                "invalid": "Enter the date of birth as YYYY-MM-DD, for example 1985-04-12.",
            },
        }

    def __init__(self, *args, clinic_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic_id = clinic_id
        editing = self.instance.pk is not None
        if editing:
            # The version the editor started from; the save is refused if it is no longer current.
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, initial=self.instance.version
            )
        self.duplicates = []
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d", "%m/%d/%Y"]  # type: ignore[attr-defined]  # a DateField
        self.helper = FormHelper()
        self.helper.layout = Layout(
            # A possible duplicate is the first thing the form says, with a link to the record
            # already there; the confirmation box appears only then.
            HTML("{% include 'clients/_duplicate_warning.html' %}"),
            Fieldset(
                "Client",
                Row(Column("legal_name", css_class="col-md-7"), Column("preferred_name")),
                Row(Column("date_of_birth"), Column("preferred_language")),
                Row(Column("phone"), Column("email")),
                "address",
            ),
            Fieldset(
                "Emergency contact",
                Row(
                    Column("emergency_contact_name"),
                    Column("emergency_contact_relationship"),
                    Column("emergency_contact_phone"),
                ),
            ),
            Fieldset(
                "Primary physician",
                Row(Column("physician_name"), Column("physician_practice")),
                Row(Column("physician_phone"), Column("physician_fax"), Column("physician_email")),
            ),
            Submit("save", "Save client", css_class="btn-lg"),
        )
        if editing:
            self.helper.layout.insert(0, "version")
        for name in PHONE_FIELDS:
            self.fields[name].widget.attrs.setdefault("type", "tel")

    def clean_legal_name(self):
        name = " ".join(self.cleaned_data["legal_name"].split())
        if not name:
            raise forms.ValidationError("Enter the client's legal name.")
        return name

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()  # the clinic's today, not the server's
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < today.year - OLDEST_PLAUSIBLE_AGE:
            raise forms.ValidationError(
                f"Check the year: that would make the client over {OLDEST_PLAUSIBLE_AGE}."
            )
        return born

    def _clean_phone(self, name):
        return normalise_phone(self.cleaned_data.get(name, ""))

    def clean_phone(self):
        return self._clean_phone("phone")

    def clean_emergency_contact_phone(self):
        return self._clean_phone("emergency_contact_phone")

    def clean_physician_phone(self):
        return self._clean_phone("physician_phone")

    def clean_physician_fax(self):
        return self._clean_phone("physician_fax")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        name, born = cleaned.get("legal_name"), cleaned.get("date_of_birth")
        if name and born:
            self.duplicates = list(
                possible_duplicates(
                    clinic_id=self.clinic_id,
                    legal_name=name,
                    date_of_birth=born,
                    exclude_pk=self.instance.pk,
                )[:5]
            )
        if self.duplicates and not cleaned.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                "A client with this name and date of birth already exists. Open their record "
                "instead, or tick this box if this is a different person.",
            )
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search clients",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Name, phone or date of birth",
                "autocomplete": "off",
                "type": "search",
            }
        ),
    )
    include_archived = forms.BooleanField(required=False, label="Include archived")
