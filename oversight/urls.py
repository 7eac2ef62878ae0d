from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("decisions/", views.decisions_view, name="decisions"),
    path("decisions/export.csv", views.decisions_csv, name="decisions_csv"),
    path("decisions/report.pdf", views.report_pdf, name="report_pdf"),
    path("decisions/<uuid:public_id>/", views.decision_detail, name="decision"),
    path("trail/", views.trail_view, name="trail"),
    path("rules/", views.rulesets_view, name="rulesets"),
    path("rules/compare/", views.ruleset_diff, name="ruleset_diff"),
    path("rules/policy/", views.ruleset_policy, name="ruleset_policy"),
    path("rules/<str:version>/", views.ruleset_detail, name="ruleset"),
    path("rules/<str:version>/activate/", views.ruleset_activate, name="ruleset_activate"),
]
