from django.urls import path

from review import letter_views, note_views, views

app_name = "review"

urlpatterns = [
    path("", views.today, name="today"),
    path("screenings/<uuid:public_id>/", views.screening_detail, name="screening"),
    path("screenings/<uuid:public_id>/plan/", views.plan_edit, name="plan"),
    path("screenings/<uuid:public_id>/plan/check/", views.plan_check, name="plan_check"),
    path("screenings/<uuid:public_id>/referral/", views.referral, name="referral"),
    path("screenings/<uuid:public_id>/clearance/", views.clearance, name="clearance"),
    path("screenings/<uuid:public_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("screenings/<uuid:public_id>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path(
        "screenings/<uuid:public_id>/letter/email/",
        letter_views.letter_email,
        name="letter_email",
    ),
    path("screenings/<uuid:public_id>/notes/new/", note_views.note_new, name="note_new"),
    path("notes/<uuid:public_id>/", note_views.note_detail, name="note"),
    path("notes/<uuid:public_id>/addendum/", note_views.note_addendum, name="note_addendum"),
    path("letters/clinic/", letter_views.letterhead, name="letterhead"),
    path("letters/me/", letter_views.credentials, name="credentials"),
]
