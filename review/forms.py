"""Forms for the review pages. They only parse input; the services in review.py decide."""

from django import forms
from django.utils import timezone

from contraindications.engine import vocabulary
from review.models import ReferralDecision


def _choices(table):
    return [(code, labels["en"]) for code, labels in table.items()]


def _ticks(label, choices):
    """Any number of boxes to tick, none required."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


def _text_field(label, *, rows=3, required=True, help_text="", max_length=8000):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


REGION_PRESSURE_PREFIX = "pressure_over_"


class PlanForm(forms.Form):
    modalities = _ticks("Techniques", _choices(vocabulary.MODALITIES))
    regions = _ticks("Areas to work", _choices(vocabulary.REGIONS))
    pressure = forms.TypedChoiceField(
        label="Pressure", choices=_choices(vocabulary.PRESSURE_LEVELS), coerce=int, initial=3,
        widget=forms.RadioSelect,
    )  # fmt: skip
    acupoints = _ticks("Acupoints", [(a.code, a.name) for a in vocabulary.ACUPOINTS.values()])
    oils = _ticks("Essential oils", _choices(vocabulary.ESSENTIAL_OILS))
    position = forms.ChoiceField(
        label="Position",
        choices=_choices(vocabulary.POSITIONS),
        widget=forms.RadioSelect,
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=1, max_value=480, initial=60
    )
    notes = _text_field("Notes", max_length=4000, required=False)
    override_reason = _text_field(
        "Reason to override the constraints",
        rows=2,
        max_length=2000,
        required=False,
        help_text="Only needed to save a plan that breaks a constraint.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One optional level per area; empty = the default pressure above.
        for code, labels in vocabulary.REGIONS.items():
            self.fields[REGION_PRESSURE_PREFIX + code] = forms.TypedChoiceField(
                label=labels["en"],
                choices=[("", "Default"), *_choices(vocabulary.PRESSURE_LEVELS)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "data-region": code}
                ),
            )

    def region_pressure_fields(self) -> list:
        return [(code, self[REGION_PRESSURE_PREFIX + code]) for code in vocabulary.REGIONS]

    def has_region_pressure(self) -> bool:
        return any(field.value() not in (None, "") for _, field in self.region_pressure_fields())

    def plan_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("modalities", "regions", "acupoints", "oils")}
        data["pressure"] = self.cleaned_data["pressure"]
        # Levels set for areas not ticked are left out: they would say nothing about the plan.
        data["region_pressure"] = {
            code: self.cleaned_data[REGION_PRESSURE_PREFIX + code]
            for code in data["regions"]
            if self.cleaned_data.get(REGION_PRESSURE_PREFIX + code) is not None
        }
        data["position"] = self.cleaned_data["position"] or None
        data["duration_minutes"] = self.cleaned_data["duration_minutes"]
        data["notes"] = self.cleaned_data["notes"]
        return data

    @staticmethod
    def initial_from(plan: dict) -> dict:
        initial = {k: v for k, v in plan.items() if k != "region_pressure"}
        initial["position"] = plan.get("position") or ""
        for code, level in (plan.get("region_pressure") or {}).items():
            initial[REGION_PRESSURE_PREFIX + code] = level
        return initial


class ReferralForm(forms.Form):
    rule_ids = forms.MultipleChoiceField(
        label="Findings", widget=forms.CheckboxSelectMultiple, choices=()
    )
    action = forms.ChoiceField(
        label="What was done",
        choices=ReferralDecision.Action.choices,
        widget=forms.RadioSelect,
    )
    referred_to = forms.CharField(label="Referred to", max_length=200, required=False)
    method = forms.ChoiceField(
        label="How",
        choices=[("", "—"), *ReferralDecision.Method.choices],
        required=False,
    )
    urgency = forms.ChoiceField(
        label="How urgently",
        choices=[("", "—"), *ReferralDecision.Urgency.choices],
        required=False,
    )
    request_text = _text_field(
        "What you ask the physician for (goes into the letter)", max_length=4000, required=False
    )
    reason = _text_field("Reason (required to override)", rows=2, max_length=2000, required=False)
    urgent_override_confirmed = forms.BooleanField(
        label="I confirm that I am overriding an urgent referral and have told the client to "
        "seek medical care.",
        required=False,
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_ids"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (f.rule_id, f"{f.title} ({f.decision_words})") for f in findings
        ]
        self.fields["rule_ids"].initial = [f.rule_id for f in findings]


class ClearanceForm(forms.Form):
    physician_name = forms.CharField(label="Physician", max_length=200)
    cleared_on = forms.DateField(
        label="Date of the clearance", widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="Valid until", widget=forms.DateInput(attrs={"type": "date"})
    )
    rule_ids = forms.MultipleChoiceField(
        label="Findings cleared", widget=forms.CheckboxSelectMultiple, choices=()
    )
    notes = _text_field("Notes", rows=2, max_length=4000, required=False)

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_ids"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (f.rule_id, f.title) for f in findings
        ]
        self.fields["cleared_on"].initial = timezone.localdate()


class SessionNoteForm(forms.Form):
    subjective = _text_field(
        "Subjective", help_text="What the client told you: complaints, changes since last time."
    )
    objective = _text_field(
        "Objective", help_text="What you found: posture, tissue, range of motion, tender points."
    )
    assessment = _text_field("Assessment", help_text="What you make of it.")
    plan = _text_field("Plan", help_text="Next sessions, home care, referrals.")
    regions = _ticks("Areas worked on", _choices(vocabulary.REGIONS))
    pressure = forms.TypedChoiceField(
        label="Pressure used", choices=_choices(vocabulary.PRESSURE_LEVELS), coerce=int,
        widget=forms.RadioSelect,
    )  # fmt: skip
    client_response = _text_field(
        "Client's response",
        rows=2,
        required=False,
        help_text="How the client responded during and right after the session.",
    )


class AddendumForm(forms.Form):
    text = _text_field(
        "Addendum",
        help_text="A correction or a later observation; the note itself stays as signed.",
    )


class LetterEmailForm(forms.Form):
    to = forms.EmailField(label="Physician's email", max_length=254)
    message = _text_field(
        "Message", rows=3, required=False, max_length=2000,
        help_text="Optional. Goes in the email, not in the letter. No health details here.",
    )  # fmt: skip
    paper = forms.ChoiceField(
        label="Paper size",
        choices=[("letter", "Letter"), ("a4", "A4")],
        initial="letter",
        widget=forms.RadioSelect,
    )


class LetterheadForm(forms.Form):
    address = _text_field("Address", rows=3, max_length=400, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    email = forms.EmailField(
        label="Email",
        required=False,
        help_text="Physicians answer letters here; emailed letters use it as the reply address.",
    )


class CredentialsForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    credentials = forms.CharField(
        label="Credentials",
        max_length=200,
        required=False,
        help_text='As you sign a letter, e.g. "RMT, licence 12345".',
    )
