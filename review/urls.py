from django.urls import include, path

from review import letter_views, note_views, views

app_name = "review"

# Everything a therapist does on one screening hangs off it; written once here.
screening = [
    path("", views.screening_detail, name="screening"),
    path("plan/", views.plan_edit, name="plan"),
    path("plan/check/", views.plan_check, name="plan_check"),
    path("referral/", views.referral, name="referral"),
    path("clearance/", views.clearance, name="clearance"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("letter/email/", letter_views.letter_email, name="letter_email"),
    path("notes/new/", note_views.note_new, name="note_new"),
]
note = [
    path("", note_views.note_detail, name="note"),
    path("addendum/", note_views.note_addendum, name="note_addendum"),
]
letters = [
    path("clinic/", letter_views.letterhead, name="letterhead"),
    path("me/", letter_views.credentials, name="credentials"),
]

urlpatterns = [
    path("", views.today, name="today"),
    path("screenings/<uuid:public_id>/", include(screening)),
    path("notes/<uuid:public_id>/", include(note)),
    path("letters/", include(letters)),
]
