from django.urls import path

from interop import views

app_name = "fhir"

urlpatterns = [
    path("QuestionnaireResponse/$screen", views.screen, name="screen"),
    path("Patient/<str:resource_id>/$everything", views.everything, name="everything"),
    path("<str:resource_type>", views.search, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.read, name="read"),
]
