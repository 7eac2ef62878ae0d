from django.urls import path

from interop import cds_views

app_name = "cds"

urlpatterns = [
    path("cds-services", cds_views.services, name="services"),
    path("cds-services/<str:service_id>", cds_views.service, name="service"),
    path("cds-services/<str:service_id>/feedback", cds_views.feedback, name="feedback"),
]
