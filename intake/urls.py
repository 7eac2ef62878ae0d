from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("start/<uuid:public_id>/", views.hand_over, name="hand_over"),
]
