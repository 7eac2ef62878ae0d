"""Display structures for the review pages and the PDFs: what the therapist reads, worded from
the catalogue. Queries live in review/selectors.py; this module only formats what they return.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from contraindications.engine import (
    ACUPOINTS,
    POSITIONS,
    PRESSURE_LEVELS,
    REGIONS,
    Constraints,
    Decision,
    Finding,
    Source,
    group_by_cause,
    item_name,
)
from review.bodymap import MapView, body_map
from review.models import Screening, SessionNote, TreatmentPlan
from review.selectors import ACTIONABLE, covered_by_clearance, screenings_for_review
from rules.selectors import compiled

# Colour (Bootstrap contextual name) and words for each decision, most severe first.
DECISION_STYLE = {d.value: (d.colour, d.advice()) for d in Decision}


def decision_style(decision: str) -> tuple[str, str]:
    return DECISION_STYLE.get(decision, ("danger", decision))


@dataclass(frozen=True)
class TodayRow:
    screening: Screening
    colour: str
    words: str
    status: str


CLEARED_STATUS = "Cleared by physician"
DONE_STATUSES = frozenset({"Reviewed", CLEARED_STATUS})


def today_rows(user, *, now=None) -> list[TodayRow]:
    rows = []
    screenings = list(screenings_for_review(user, now=now))
    undecided = [s for s in screenings if s.decision in ACTIONABLE and not s.has_referral]
    superseded = covered_by_clearance(
        [s for s in undecided if s.has_clearance],
        on=timezone.localdate(now) if now else None,
    )
    for s in screenings:
        colour, words = decision_style(s.decision)
        if s.pk in superseded:
            status = CLEARED_STATUS  # a valid clearance covers what needed a decision
        elif s.decision in ACTIONABLE and not s.has_referral:
            status = "Needs a referral decision"
        elif getattr(Decision.parse(s.decision), "may_proceed", False) and not s.has_plan:
            status = "Needs a plan"
        elif s.decision == Decision.POSTPONE:
            status = "Postponed"
        else:
            status = "Reviewed"
        rows.append(TodayRow(s, colour, words, status))
    order = list(DECISION_STYLE)
    rows.sort(key=lambda r: (r.status in DONE_STATUSES, order.index(r.screening.decision)))
    return rows


# --- Display structures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    question_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class FindingView:
    rule_id: str
    rule_version: int
    title: str
    decision: str
    colour: str
    decision_words: str
    message: str
    clinical_summary: str
    answers: list[Answer]
    source: str
    source_passage: str
    clearance_applied: bool
    actionable: bool
    clearable: bool
    constraints: list = field(default_factory=list)  # ConstraintLine, this rule's own
    precautions: list = field(default_factory=list)
    matched: dict = field(default_factory=dict)  # the stored answers behind it, by question id


@dataclass(frozen=True)
class FindingGroup:
    """Findings triggered by the same answers: the answers once, then every rule."""

    answers: list[Answer]
    findings: list[FindingView]

    @property
    def colour(self) -> str:
        return self.findings[0].colour  # findings come most severe first


@dataclass(frozen=True)
class ConstraintLine:
    label: str
    value: str


@dataclass
class ReviewView:
    screening: Screening
    decision: str
    colour: str
    words: str
    findings: list[FindingView]
    constraints: list[ConstraintLine]
    precautions: list[str]
    avoid_regions: list[str]
    map_views: list[MapView] = field(default_factory=list)
    groups: list[FindingGroup] = field(default_factory=list)

    @property
    def actionable_findings(self) -> list[FindingView]:
        return [f for f in self.findings if f.actionable]

    @property
    def clearable_findings(self) -> list[FindingView]:
        return [f for f in self.findings if f.clearable]

    @property
    def has_urgent(self) -> bool:
        return any(f.decision == Decision.REFER_URGENT.value for f in self.findings)

    @property
    def session_possible(self) -> bool:
        return self.screening.outcome.session_possible


def _answer_text(question, value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if question is None:
        return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if question.type == "body_regions":
        return _labels(map(str, value), "region")
    labels = {c.id: c.label.en for c in question.choices}
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(v, str(v)) for v in value)
    return labels.get(value, str(value))


def _labels(codes, kind: str) -> str:
    """The names of plan items of `kind`, as the engine words them (see item_name)."""
    return ", ".join(item_name(kind, c) for c in codes)


def constraint_lines(c: Constraints) -> list[ConstraintLine]:
    lines = []
    if c.pressure_cap is not None:
        lines.append(ConstraintLine("Maximum pressure", PRESSURE_LEVELS[str(c.pressure_cap)]["en"]))
    for region, cap in c.region_pressure_caps:
        lines.append(ConstraintLine(f"Pressure over {REGIONS[region]['en']}", f"at most {cap}"))
    if c.avoid_regions:
        lines.append(ConstraintLine("Avoid areas", _labels(sorted(c.avoid_regions), "region")))
    if c.exclude_modalities:
        lines.append(ConstraintLine("No", _labels(sorted(c.exclude_modalities), "modality")))
    if c.exclude_acupoints:
        names = _labels(sorted(c.exclude_acupoints), "acupoint")
        lines.append(ConstraintLine("Acupoints to avoid", names))
    if c.exclude_oils:
        lines.append(ConstraintLine("Oils to avoid", _labels(sorted(c.exclude_oils), "oil")))
    if c.allowed_positions is not None:
        # In the vocabulary's order of preference, as the stored result lists them.
        allowed = [p for p in POSITIONS if p in c.allowed_positions]
        lines.append(ConstraintLine("Positions", _labels(allowed, "position")))
    return lines


def _source_text(source: Source) -> tuple[str, str]:
    """The readable citation and the quoted passage. The seed file name a stored source
    carries is for the machine record (the passage is checked against it), never shown."""
    return source.citation(), source.passage or ""


def finding_groups(findings: list[FindingView]) -> list[FindingGroup]:
    """Findings triggered by the same answers, as one block each (the engine's grouping)."""
    return [
        FindingGroup(answers=group[0].answers, findings=list(group))
        for group in group_by_cause(findings, lambda v: v.matched)
    ]


def _finding_view(f: Finding, catalogue, rule) -> FindingView:
    colour, words = decision_style(f.decision)
    source, passage = _source_text(f.source)
    answers = [
        Answer(
            qid,
            catalogue.by_id[qid].text.en if qid in catalogue.by_id else qid,
            _answer_text(catalogue.by_id.get(qid), value),
        )
        for qid, value in f.matched  # sorted by question id
    ]
    return FindingView(
        rule_id=f.rule_id,
        rule_version=f.rule_version,
        title=f.title,
        decision=f.decision.value,
        colour=colour,
        decision_words=words,
        message=f.message,
        clinical_summary=rule.clinical_summary if rule else f.message,
        answers=answers,
        source=source,
        source_passage=passage,
        clearance_applied=f.clearance_applied,
        actionable=f.decision.actionable,
        clearable=f.decision.clearable,
        constraints=constraint_lines(f.constraints),
        precautions=list(f.constraints.precautions),
        matched=dict(f.matched),
    )


def review_view(screening: Screening, *, planned_regions=()) -> ReviewView:
    """Everything the therapist reads about one screening, with wording from the catalogue."""
    catalogue, ruleset = compiled(screening.ruleset)
    outcome = screening.outcome
    findings = [_finding_view(f, catalogue, ruleset.by_id.get(f.rule_id)) for f in outcome.findings]
    constraints = outcome.constraints
    colour, words = decision_style(screening.decision)
    avoid = sorted(constraints.avoid_regions)
    return ReviewView(
        screening=screening,
        decision=screening.decision,
        colour=colour,
        words=words,
        findings=findings,
        groups=finding_groups(findings),
        constraints=constraint_lines(constraints),
        precautions=list(constraints.precautions),
        avoid_regions=[REGIONS[r]["en"] for r in avoid if r in REGIONS],
        map_views=body_map(
            avoid=avoid,
            capped=[region for region, _ in constraints.region_pressure_caps],
            planned=planned_regions,
        ),
    )


@dataclass(frozen=True)
class AnswerSection:
    title: str
    answers: list[Answer]


def intake_answers(screening: Screening) -> list[AnswerSection]:
    """Everything the client answered, in the catalogue's order and wording, by section.

    Read from the screening's own input snapshot, so it shows exactly what was screened.
    """
    catalogue, _ = compiled(screening.ruleset)
    by_section: dict[str, list[Answer]] = {}
    for question in catalogue.questions:
        if question.id in screening.inputs:
            value = screening.inputs[question.id]
            by_section.setdefault(question.section, []).append(
                Answer(question.id, question.text.en, _answer_text(question, value))
            )
    return [
        AnswerSection(section.replace("_", " ").capitalize(), by_section[section])
        for section in catalogue.sections
        if section in by_section
    ]


def plan_lines(plan: TreatmentPlan) -> list[ConstraintLine]:
    lines = [
        ConstraintLine("Techniques", _labels(plan.modalities, "modality") or "—"),
        ConstraintLine("Areas", _labels(plan.regions, "region") or "—"),
        ConstraintLine("Pressure", PRESSURE_LEVELS[str(plan.pressure)]["en"]),
        *(
            ConstraintLine(
                f"Pressure over {REGIONS[region]['en']}", PRESSURE_LEVELS[str(level)]["en"]
            )
            for region, level in sorted((plan.region_pressure or {}).items())
            if region in REGIONS and str(level) in PRESSURE_LEVELS
        ),
        ConstraintLine("Position", POSITIONS[plan.position]["en"] if plan.position else "—"),
        ConstraintLine("Duration", f"{plan.duration_minutes} minutes"),
    ]
    if plan.acupoints:
        names = ", ".join(ACUPOINTS[p].name for p in plan.acupoints if p in ACUPOINTS)
        lines.append(ConstraintLine("Acupoints", names))
    if plan.oils:
        lines.append(ConstraintLine("Oils", _labels(plan.oils, "oil")))
    return lines


@dataclass(frozen=True)
class NoteView:
    """A signed note as the pages show it: SOAP sections, then the session's facts."""

    note: SessionNote
    sections: list[ConstraintLine]
    facts: list[ConstraintLine]
    map_views: list[MapView]


def note_view(note: SessionNote) -> NoteView:
    return NoteView(
        note=note,
        sections=[
            ConstraintLine("Subjective", note.subjective),
            ConstraintLine("Objective", note.objective),
            ConstraintLine("Assessment", note.assessment),
            ConstraintLine("Plan", note.plan),
        ],
        facts=[
            ConstraintLine("Areas worked on", _labels(note.regions, "region") or "—"),
            ConstraintLine("Pressure used", PRESSURE_LEVELS[str(note.pressure)]["en"]),
            ConstraintLine("Client's response", note.client_response or "—"),
        ],
        map_views=body_map(planned=note.regions),
    )
