"""Exports of the owners' decision views: a streamed CSV and a PDF audit report.

CSV cells that a spreadsheet would read as a formula (starting with = + - @, or a tab or
carriage return that some programs strip first) are prefixed with a single quote: a reason
typed by a therapist must never run in the owner's spreadsheet (OWASP "CSV injection").
"""

import csv
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from oversight.filters import DecisionFilters
from oversight.selectors import dashboard, decisions_for
from oversight.words import rule_name, rule_titles
from review.pdf import html_to_pdf

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = [
    "decided_at", "therapist", "client", "client_id", "decision", "urgent", "rule_ids",
    "rule_set_version", "referred_to", "method", "urgency", "reason", "screening_id",
    "decision_id", "rules",
]  # fmt: skip
PDF_MAX_ROWS = 500


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def decision_rows(user, filters: DecisionFilters):
    decisions = (
        decisions_for(user, filters)
        .select_related("client", "decided_by", "ruleset", "screening")
        .only(
            "public_id", "decided_at", "action", "urgent", "rule_ids", "referred_to", "method",
            "urgency", "reason", "client__legal_name", "client__preferred_name",
            "client__public_id", "decided_by__username", "decided_by__first_name",
            "decided_by__last_name", "ruleset__version", "screening__public_id",
        )
    )  # fmt: skip
    titles = rule_titles(user.clinic_id)
    for d in decisions.iterator(chunk_size=2000):
        yield [
            _local(d.decided_at),
            str(d.decided_by),
            d.client.display_name,
            d.client.public_id,
            d.get_action_display(),
            "yes" if d.urgent else "no",
            " ".join(d.rule_ids),
            d.ruleset.version,
            d.referred_to,
            d.get_method_display(),
            d.get_urgency_display(),
            d.reason,
            d.screening.public_id,
            d.public_id,
            "; ".join(rule_name(rule_id, titles) for rule_id in d.rule_ids),
        ]


def decisions_csv(user, filters: DecisionFilters):
    """The CSV, one encoded line at a time (for a StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for row in decision_rows(user, filters):
        yield writer.writerow([safe_cell(cell) for cell in row])


def audit_report_pdf(user, filters: DecisionFilters) -> bytes:
    """Summary figures, the breakdowns and the decisions (with every override's reason)."""
    summary = dashboard(user, filters)
    decisions = list(
        decisions_for(user, filters).select_related("client", "decided_by", "ruleset")[
            : PDF_MAX_ROWS + 1
        ]
    )
    titles = rule_titles(user.clinic_id)
    for d in decisions:
        d.rule_names = [rule_name(rule_id, titles) for rule_id in d.rule_ids]
    html = render_to_string(
        "oversight/pdf/audit_report.html",
        {
            "clinic": user.clinic,
            "filters": filters,
            "summary": summary,
            "decisions": decisions[:PDF_MAX_ROWS],
            "truncated": len(decisions) > PDF_MAX_ROWS,
            "max_rows": PDF_MAX_ROWS,
            "generated_by": user,
            "generated_at": timezone.now(),
        },
    )
    return html_to_pdf(html)
