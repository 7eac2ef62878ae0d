"""The filters owners set on the dashboard, the decision list and the exports (one form, so
every page and export means the same thing by "these decisions")."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.template import engines
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from review.models import ReferralDecision

DEFAULT_DAYS = 182  # about six months
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """A select rendered by one Jinja2 template (templates/jinja2/oversight/select.html), the
    markup of Django's own but for the class crispy adds (the widget's name): Django's engine
    includes two templates per option, and the rule filter's hundred options took 15 ms of
    every dashboard (docs/PERFORMANCE.md)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        template = engines["jinja2"].get_template("oversight/select.html")
        # The template autoescapes every value it prints.
        return mark_safe(  # noqa: S308  # nosec B308 B703
            template.render(self.get_context(name, value, attrs))
        )


@dataclass(frozen=True)
class DecisionFilters:
    date_from: date
    date_to: date
    therapist_id: int | None = None
    rule_id: str = ""
    action: str = ""

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        # Exclusive: the whole of the last day counts.
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def action_label(self) -> str:
        return dict(ReferralDecision.Action.choices).get(self.action, self.action)

    def as_query(self) -> dict[str, str | int]:
        query: dict[str, str | int] = {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
        }
        if self.therapist_id:
            query["therapist"] = self.therapist_id
        if self.rule_id:
            query["rule"] = self.rule_id
        if self.action:
            query["action"] = self.action
        return query


def default_filters(*, today: date | None = None) -> DecisionFilters:
    today = today or timezone.localdate()
    return DecisionFilters(date_from=today - timedelta(days=DEFAULT_DAYS), date_to=today)


class DecisionFilterForm(forms.Form):
    date_from = forms.DateField(required=False, label="From", widget=DATE)
    date_to = forms.DateField(required=False, label="To", widget=DATE)
    # Any id: decisions are scoped to the clinic, so another clinic's user matches nothing.
    therapist = forms.IntegerField(required=False, min_value=1, widget=QuickSelect)
    # A select of the rules in use, by name; any id is accepted (a bookmark from an older set).
    rule = forms.CharField(required=False, max_length=64, widget=QuickSelect)
    action = forms.ChoiceField(
        required=False,
        label="Decision",
        choices=[("", "Any decision"), *ReferralDecision.Action.choices],
    )

    def __init__(self, data=None):
        super().__init__(data)
        self.set_therapists([])
        self.set_rules([])

    def set_therapists(self, people) -> None:
        """The therapist choices: (id, name) pairs, known only once the page has its data."""
        self.fields["therapist"].widget.choices = [("", "Any therapist"), *people]

    def set_rules(self, rules) -> None:
        """The rule choices: (rule id, name) pairs of the rule set in use."""
        self.fields["rule"].widget.choices = [("", "Any rule"), *rules]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def show(self, filters: DecisionFilters) -> None:
        """Display the filters in effect (the defaults, or what was asked) in the fields."""
        if not self.is_bound:
            self.initial = {"date_from": filters.date_from, "date_to": filters.date_to}

    def filters(self) -> DecisionFilters:
        """The filters asked for; anything invalid falls back to the default (never an error
        page: a bookmarked dashboard must always open)."""
        default = default_filters()
        if not self.is_bound or not self.is_valid():
            return default
        data = self.cleaned_data
        return DecisionFilters(
            date_from=data["date_from"] or default.date_from,
            date_to=data["date_to"] or default.date_to,
            therapist_id=data["therapist"],
            rule_id=(data["rule"] or "").strip().upper(),
            action=data["action"],
        )
