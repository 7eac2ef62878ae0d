"""PDF summaries and referral letters, rendered by WeasyPrint with nothing fetched from outside.

The only resources a PDF may load are the project's own static files (found through
STATICFILES_DIRS, so a path can never climb out of them). Everything else - file:// paths,
cloud metadata addresses, any http(s) URL a client or therapist typed - is refused before a
connection is attempted.

A finished PDF is cached under a hash of everything that goes into it (every field of the
screening and client rows, the clinic's letterhead, the ids of the plan and referral decision
printed - append-only rows, so the id stands for every column - and the names of who made them,
the rule-set checksum, the templates and stylesheet, the paper size and the WeasyPrint version),
computed without rendering, so an unchanged document is served again in milliseconds and any
change to what goes into it makes a new key.
"""

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from config import pdf as config_pdf
from config.pdf import PDF_BASE_URL

if TYPE_CHECKING:
    from config.pdf_fetcher import StaticOnlyFetcher

# WeasyPrint is imported only when a PDF is rendered (config.pdf, html_to_pdf): it takes half
# a second, which every worker would otherwise pay on its first request.
WEASYPRINT_VERSION = version("weasyprint")
__all__ = ["PDF_BASE_URL", "html_to_pdf"]
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
CACHE_SECONDS = 24 * 60 * 60


def _row(obj) -> dict | None:
    """Every concrete field of a model row, as the PDF could print it."""
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


_TEMPLATE_FILES = (
    "review/pdf/summary.html",
    "review/pdf/referral_letter.html",
    "review/pdf/_letterhead.html",
    "review/_body_map.html",
)


def _files_digest() -> str:
    # Stylesheets and templates are part of the input: a change must not serve a stale PDF.
    digest = hashlib.sha256()
    for static_root in settings.STATICFILES_DIRS:
        stylesheet = Path(static_root) / "css" / "pdf.css"
        if stylesheet.is_file():
            digest.update(stylesheet.read_bytes())
    template_dirs: list[str] = settings.TEMPLATES[0]["DIRS"]  # type: ignore[assignment]
    for name in _TEMPLATE_FILES:
        for root in template_dirs:
            template = Path(root) / name
            if template.is_file():
                digest.update(template.read_bytes())
    return digest.hexdigest()


def cache_key(inputs: dict, paper: str) -> str:
    """A hash of everything that goes into the PDF, computed without rendering anything."""
    payload = json.dumps(
        {"inputs": inputs, "paper": paper, "weasyprint": WEASYPRINT_VERSION,
         "files": _files_digest()},
        sort_keys=True, default=str,
    )  # fmt: skip
    return "pdf:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def html_to_pdf(html: str, *, fetcher: "StaticOnlyFetcher | None" = None) -> bytes:
    from review import pdf_fetcher

    return config_pdf.html_to_pdf(html, fetcher=fetcher or pdf_fetcher.StaticOnlyFetcher())


@dataclass(frozen=True)
class PdfDocument:
    content: bytes
    filename: str
    cache_key: str
    from_cache: bool


def render_pdf(*, template: str, inputs: dict, context, paper: str, filename: str) -> PdfDocument:
    """Serve from the cache when the inputs are unchanged; else build the context and render."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}")
    key = cache_key({"template": template, **inputs}, paper)
    content = cache.get(key)
    if content is not None:
        return PdfDocument(content, filename, key, True)
    html = render_to_string(template, {**context(), "page_size": PAPER_SIZES[paper]})
    content = html_to_pdf(html)
    cache.set(key, content, CACHE_SECONDS)
    return PdfDocument(content, filename, key, False)


def _signed(record, by) -> dict | None:
    """What the cache key needs of an append-only record (see latest_records_of)."""
    if record is None:
        return None
    user = getattr(record, by)
    return {
        "id": record.pk,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
    }


def _inputs(screening, *, plan=None, referral=None) -> dict:
    """`plan` and `referral` as latest_records_of gives them: an id (the rows are append-only)
    and the names of who made them."""
    client = screening.client
    return {
        "screening": _row(screening),
        "ruleset": screening.ruleset.checksum,
        "intake": [screening.intake.kind, screening.intake.submitted_at],
        "client": _row(client),
        "clinic": [
            client.clinic.name,
            client.clinic.address,
            client.clinic.phone,
            client.clinic.email,
        ],
        "plan": plan,
        "referral": referral,
    }


def summary_pdf(*, screening, paper: str = "a4") -> PdfDocument:
    from review.models import ReferralDecision, TreatmentPlan
    from review.presenters import plan_lines, review_view
    from review.selectors import latest_records_of

    # A cached download needs only the ids of the latest plan and referral; a render loads
    # those very rows (not "the latest" again: one recorded in between would be cached under
    # the key of the document without it).
    latest = latest_records_of(screening)

    def context():
        plan = latest["plan"] and (
            TreatmentPlan.objects.select_related("created_by").get(pk=latest["plan"]["id"])
        )
        referral = latest["referral"] and (
            ReferralDecision.objects.select_related("decided_by").get(pk=latest["referral"]["id"])
        )
        return {
            "review": review_view(screening, planned_regions=plan.regions if plan else ()),
            "screening": screening,
            "client": screening.client,
            "intake": screening.intake,
            "plan": plan,
            "plan_lines": plan_lines(plan) if plan else [],
            "referral": referral,
            "clinic": screening.client.clinic,
        }

    # Dates printed are the records' own, so an unchanged record gives the same document.
    name = f"session-summary-{screening.created_at:%Y%m%d}-{str(screening.public_id)[:8]}.pdf"
    return render_pdf(
        template="review/pdf/summary.html",
        inputs=_inputs(screening, plan=latest["plan"], referral=latest["referral"]),
        context=context,
        paper=paper,
        filename=name,
    )


def __getattr__(name):
    # The refusal moved to review.letters with the other reasons a letter is refused.
    if name == "NothingToAsk":
        from review.letters import LetterRefused

        return LetterRefused
    raise AttributeError(name)


LOOK_UP: Any = object()  # letter_rule_ids: "find the latest referral yourself"


def letter_rule_ids(*, screening, referral=LOOK_UP, cleared=None) -> list[str]:
    """The findings a referral letter is about: those of the latest referral decision (else every
    finding that needs one), less those a valid clearance on file already covers. A caller that
    has looked up the latest referral passes it, None included (no second query)."""
    from review.selectors import cleared_rule_ids_for, latest_referral

    referral = latest_referral(screening) if referral is LOOK_UP else referral
    cleared = cleared_rule_ids_for(screening.client) if cleared is None else cleared
    chosen = set(referral.rule_ids) if referral else None
    return [
        f.rule_id
        for f in screening.outcome.findings
        if (f.rule_id in chosen if chosen else f.decision.actionable) and f.rule_id not in cleared
    ]


def referral_letter_pdf(*, screening, signer, paper: str = "letter") -> PdfDocument:
    """The letter signed by `signer`; raises review.letters.LetterRefused when none may be made
    (nothing to ask, no release consent, an incomplete letterhead or signer)."""
    from review.letters import addressee, check_letter
    from review.presenters import finding_groups, review_view
    from review.selectors import latest_referral

    referral = latest_referral(screening)
    rule_ids = check_letter(screening=screening, signer=signer)
    to = addressee(screening)

    def context():
        review = review_view(screening)
        findings = [f for f in review.findings if f.rule_id in rule_ids]
        return {
            "review": review,
            "screening": screening,
            "client": screening.client,
            "referral": referral,
            "clinic": screening.client.clinic,
            "to": to,
            "signer": signer,
            "letter_findings": findings,
            "letter_groups": finding_groups(findings),
            "letter_date": referral.decided_at if referral else screening.created_at,
        }

    name = f"referral-letter-{screening.created_at:%Y%m%d}-{str(screening.public_id)[:8]}.pdf"
    return render_pdf(
        template="review/pdf/referral_letter.html",
        inputs={
            **_inputs(screening, referral=_signed(referral, "decided_by")),
            "letter_rule_ids": rule_ids,
            "to": to,
            "signer": [signer.pk, signer.get_full_name(), signer.credentials],
        },
        context=context,
        paper=paper,
        filename=name,
    )
