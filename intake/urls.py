from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("start/<uuid:public_id>/", views.hand_over, name="hand_over"),
    path("<uuid:public_id>/signed.pdf", views.signed_pdf, name="signed_pdf"),
    path("<uuid:public_id>/signed/email/", views.email_signed_copy, name="email_signed_copy"),
]
