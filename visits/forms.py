from django import forms
from django.contrib.auth import get_user_model

from accounts.roles import Role
from previsit.models import PrevisitLink
from visits.imports import MAX_BYTES
from visits.models import MAX_DURATION_MINUTES


def therapists_of(clinic_id):
    return (
        get_user_model()
        .objects.filter(clinic_id=clinic_id, is_active=True, groups__name=Role.THERAPIST.value)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class TherapistChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AppointmentForm(forms.Form):
    therapist = TherapistChoice(queryset=get_user_model().objects.none())
    starts_at = forms.DateTimeField(
        label="Date and time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=MAX_DURATION_MINUTES, initial=60
    )
    send_link = forms.BooleanField(
        label="Send the intake link to the client's phone or email now", required=False
    )
    channel = forms.ChoiceField(
        label="Send by", choices=PrevisitLink.Channel.choices, required=False
    )

    def __init__(self, *args, clinic_id, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["therapist"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = therapists_of(clinic_id)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics) or CSV",
        help_text=f"Up to {MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,.csv,text/calendar,text/csv"}),
    )
