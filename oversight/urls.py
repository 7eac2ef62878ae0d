from django.urls import include, path

from oversight import views

app_name = "oversight"

decisions = [
    path("", views.decisions_view, name="decisions"),
    path("export.csv", views.decisions_csv, name="decisions_csv"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("<uuid:public_id>/", views.decision_detail, name="decision"),
]
# The rule-set versions; "compare/" and "policy/" come before "<str:version>/", which would
# take them as a version.
rulesets = [
    path("", views.rulesets_view, name="rulesets"),
    path("compare/", views.ruleset_diff, name="ruleset_diff"),
    path("policy/", views.ruleset_policy, name="ruleset_policy"),
    path("<str:version>/", views.ruleset_detail, name="ruleset"),
    path("<str:version>/activate/", views.ruleset_activate, name="ruleset_activate"),
]

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("decisions/", include(decisions)),
    path("trail/", views.trail_view, name="trail"),
    path("rules/", include(rulesets)),
]
