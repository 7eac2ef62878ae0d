"""Owner pages: the dashboard, the decisions behind it, exports, the audit trail and rule-set
management. Owners only (403 for everyone else); every query is scoped to the owner's clinic."""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.roles import Role
from audit.models import AuditEvent
from audit.reads import audited_read, record_read
from config.client_ip import client_ip
from config.db_router import reads_from_replica, streamed_from_replica
from oversight import charts, exports, fatigue
from oversight import lockouts as lockout_services
from oversight.filters import DATE, DecisionFilterForm
from oversight.rulesets import (
    DEFAULT_REPLAY_MONTHS,
    activate_version,
    diff_versions,
    replay,
)
from oversight.selectors import (
    clinic_staff,
    dashboard,
    deciding_staff,
    decision_page,
    get_decision_for,
)
from oversight.signoff import reviewed_counts, sign_off
from oversight.trail import ACTION_CHOICES, TrailFilters, trail_page
from oversight.words import decision_label, rule_choices, rule_name, rule_titles
from rules.models import RuleSetActivation, RuleSetVersion
from rules.selectors import active_or_none, compiled, latest_activation, requires_review
from rules.services import ActivationRefused, set_review_requirement

owner_only = role_required(Role.OWNER)


def _page(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        return 1


def _filter_form(request, *, with_staff=True, titles=None):
    form = DecisionFilterForm(request.GET or None)
    titles = rule_titles(request.user.clinic_id) if titles is None else titles
    form.set_rules(rule_choices(titles))
    if with_staff:
        form.set_therapists([(u.pk, str(u)) for u in deciding_staff(request.user)])
    filters = form.filters()
    form.show(filters)
    return form, filters


def _decisions_links(filters):
    """link(**changes) -> the decision list under these filters, changed. The path is reversed
    and the filters read once: the dashboard's charts ask for a link per bar (about 70)."""
    path = reverse("oversight:decisions") + "?"
    query = filters.as_query()

    def link(**changes) -> str:
        return path + urlencode(query | {k: v for k, v in changes.items() if v})

    return link


@owner_only
@require_GET
@reads_from_replica
def dashboard_view(request):
    titles = rule_titles(request.user.clinic_id)
    form, filters = _filter_form(request, with_staff=False, titles=titles)
    data = dashboard(request.user, filters, titles=titles)
    form.set_therapists([(int(t.key), t.label) for t in data.therapists])
    decisions_url = _decisions_links(filters)

    def by_therapist(tally, action):
        return decisions_url(therapist=tally.key, action=action)

    def by_rule(tally, action):
        return decisions_url(rule=tally.key, action=action)

    context = {
        "form": form,
        "filters": filters,
        "data": data,
        "legend": charts.legend(),
        "weekly_chart": charts.stacked_columns(data.weeks, title="Decisions per week"),
        "therapist_chart": charts.stacked_rows(
            data.therapists, title="Decisions by therapist", href=by_therapist
        ),
        "rule_chart": charts.stacked_rows(
            data.rules[:15], title="Decisions by rule (top 15)", href=by_rule
        ),
        "category_chart": charts.stacked_rows(data.categories, title="Decisions by category"),
        "decisions_url": decisions_url(),
        "export_query": urlencode(filters.as_query()),
        "fatigue_min_fires": fatigue.FLAG_MIN_FIRES,
        "fatigue_rate": round(fatigue.FLAG_RATE * 100),
    }
    return render(request, "oversight/dashboard.html", context)


@owner_only
@require_GET
@reads_from_replica
def decisions_view(request):
    titles = rule_titles(request.user.clinic_id)
    form, filters = _filter_form(request, titles=titles)
    page = _page(request)
    rows, has_more = decision_page(request.user, filters, page=page)
    for row in rows:
        row.rule_names = [rule_name(rule_id, titles) for rule_id in row.rule_ids]
    query = filters.as_query()
    return render(
        request,
        "oversight/decisions.html",
        {
            "form": form,
            "filters": filters,
            "rows": rows,
            "page": page,
            "next_query": urlencode(query | {"page": page + 1}) if has_more else "",
            "prev_query": urlencode(query | {"page": page - 1}) if page > 1 else "",
            "export_query": urlencode(query),
        },
    )


@owner_only
@require_GET
@audited_read("referral decision")
def decision_detail(request, public_id):
    decision = get_decision_for(request.user, public_id)
    request.audited_target = (decision.client, f"oversight, decision {decision.public_id}")
    _, ruleset = compiled(decision.ruleset)
    outcome = decision.screening.outcome
    rules = []
    for rule_id in decision.rule_ids:
        finding = outcome.finding(rule_id)
        rules.append(
            {
                "id": rule_id,
                "title": ruleset.by_id[rule_id].title if rule_id in ruleset.by_id else "",
                "decision": decision_label(finding.decision if finding else ""),
                "message": finding.message if finding else "",
            }
        )
    return render(request, "oversight/decision_detail.html", {"decision": decision, "rules": rules})


def _record_export(request, what, filters):
    record_read(
        request,
        target=request.user.clinic,
        what=what,
        note=urlencode(filters.as_query()),
        action=AuditEvent.Action.EXPORT,
    )


@owner_only
@require_GET
def decisions_csv(request):
    _, filters = _filter_form(request, with_staff=False)
    _record_export(request, "referral decisions CSV", filters)
    response = StreamingHttpResponse(
        streamed_from_replica(exports.decisions_csv(request.user, filters)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"referral-decisions-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@owner_only
@require_GET
@reads_from_replica
def report_pdf(request):
    _, filters = _filter_form(request, with_staff=False)
    content = exports.audit_report_pdf(request.user, filters)
    _record_export(request, "audit report PDF", filters)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"audit-report-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Audit trail --------------------------------------------------------------------------------


class TrailFilterForm(forms.Form):
    date_from = forms.DateField(required=False, label="From", widget=DATE)
    date_to = forms.DateField(required=False, label="To", widget=DATE)
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Who")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *ACTION_CHOICES])
    client = forms.CharField(required=False, max_length=100, label="Client name")

    def __init__(self, data=None, *, staff=()):
        super().__init__(data)
        self.fields["actor"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", "Anyone"),
            *((u.pk, str(u)) for u in staff),
        ]

    def filters(self) -> TrailFilters:
        if not self.is_bound or not self.is_valid():
            return TrailFilters()
        data = self.cleaned_data

        def moment(day, days=0):
            if day is None:
                return None
            return timezone.make_aware(datetime.combine(day + timedelta(days=days), time.min))

        return TrailFilters(
            date_from=moment(data["date_from"]),
            date_to=moment(data["date_to"], days=1),
            actor_id=data["actor"],
            action=data["action"],
            client_query=data["client"].strip(),
        )


TRAIL_SESSION_KEY = "trail_filters"


@owner_only
@require_http_methods(["GET", "POST"])
def trail_view(request):
    """The filters are POSTed and kept in the session, as the client search is: a client's name
    never goes into a URL (nor the proxy's or the browser's history). Only the page number does."""
    staff = clinic_staff(request.user)
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(TRAIL_SESSION_KEY, None)
            return redirect("oversight:trail")
        form = TrailFilterForm(request.POST, staff=staff)
        if form.is_valid():
            request.session[TRAIL_SESSION_KEY] = {
                name: request.POST.get(name, "") for name in form.fields
            }
            return redirect("oversight:trail")
        status = 422
    else:
        form = TrailFilterForm(request.session.get(TRAIL_SESSION_KEY), staff=staff)
        status = 200
    page = _page(request)
    rows, has_more = trail_page(request.user, form.filters(), page=page)
    return render(
        request,
        "oversight/trail.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "filtering": TRAIL_SESSION_KEY in request.session,
            "next_query": urlencode({"page": page + 1}) if has_more else "",
            "prev_query": urlencode({"page": page - 1}) if page > 1 else "",
        },
        status=status,
    )


# --- Rule sets ----------------------------------------------------------------------------------


def _version(version: str) -> RuleSetVersion:
    return get_object_or_404(RuleSetVersion, version=version)


@owner_only
@require_GET
def rulesets_view(request):
    clinic = request.user.clinic
    versions = list(RuleSetVersion.objects.defer("rules", "catalogue").select_related("loaded_by"))
    activated = {}
    for activation in RuleSetActivation.objects.filter(clinic=clinic).order_by("activated_at"):
        activated[activation.version_id] = activation.activated_at
    reviewed = reviewed_counts()
    for v in versions:
        v.activated_here = activated.get(v.pk)  # type: ignore[attr-defined]  # for the template
        v.reviewed_count = reviewed.get(v.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "oversight/rulesets.html",
        {
            "versions": versions,
            "active": latest_activation(clinic),
            "require_review": requires_review(clinic),
        },
    )


@owner_only
@require_POST
def ruleset_policy(request):
    """Turn on or off: only rule sets with every rule reviewed by a clinician may be activated."""
    required = request.POST.get("require_review") == "on"
    set_review_requirement(
        clinic=request.user.clinic, required=required, user=request.user, ip=client_ip(request)
    )
    messages.success(
        request,
        "Only rule sets whose every rule a clinician has reviewed can now be activated."
        if required
        else "Rule sets can now be activated without a clinician's review of every rule.",
    )
    return redirect("oversight:rulesets")


@owner_only
@require_GET
def ruleset_diff(request):
    old = _version(request.GET.get("old", ""))
    new = _version(request.GET.get("new", ""))
    return render(
        request,
        "oversight/ruleset_diff.html",
        {"diff": diff_versions(old, new), "old": old, "new": new},
    )


@owner_only
@require_GET
def ruleset_detail(request, version):
    candidate = _version(version)
    active = active_or_none(request.user.clinic_id)
    result = None
    months = DEFAULT_REPLAY_MONTHS
    if "months" in request.GET:
        try:
            months = max(1, min(int(request.GET["months"]), 36))
        except ValueError:
            raise Http404 from None
        result = replay(user=request.user, candidate=candidate, months=months)
        record_read(
            request,
            target=candidate,
            what=f"replay of {months} months of screenings against rule set {version}",
            clinic_id=request.user.clinic_id,
        )
    return render(
        request,
        "oversight/ruleset_detail.html",
        {
            "candidate": candidate,
            "active": active,
            "is_active": active is not None and active.pk == candidate.pk,
            "diff": diff_versions(active, candidate) if active else None,
            "replay": result,
            "months": months,
            "signoff": sign_off(candidate, request.user.clinic),
        },
    )


@owner_only
@require_POST
def ruleset_activate(request, version):
    candidate = _version(version)
    try:
        activate_version(version=candidate, user=request.user, ip=client_ip(request))
    except ActivationRefused as refused:
        messages.error(request, str(refused))
        return redirect("oversight:ruleset", candidate.version)
    messages.success(
        request, f"Rule set {candidate.version} is now in use for this clinic's new screenings."
    )
    return redirect("oversight:rulesets")


@never_cache
@role_required(Role.OWNER)
@require_http_methods(["GET", "POST"])
def lockouts(request):
    """The clinic's staff locked out after failed logins; POST `username` lifts one. The
    username is sent in the body, never in a URL."""
    if request.method == "POST":
        try:
            user = lockout_services.lift_lockout(
                owner=request.user,
                username=request.POST.get("username", "")[:150],
                ip=client_ip(request),
            )
        except lockout_services.LockoutNotFound as missing:
            raise Http404 from missing
        messages.success(request, f"{user.get_full_name() or user.username} can log in again.")
        return redirect("oversight:lockouts")
    return render(
        request,
        "oversight/lockouts.html",
        {
            "lockouts": lockout_services.clinic_lockouts(clinic=request.user.clinic),
            "limit": settings.AXES_FAILURE_LIMIT,
        },
    )
