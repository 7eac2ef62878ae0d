from django.contrib import admin
from django.urls import include, path

from config import views

handler500 = "config.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("", include("visits.urls")),
    path("clients/", include("clients.urls")),
    path("intake/", include("intake.urls")),
    path("kiosk/", include("visits.kiosk_urls")),
    path("", include("previsit.urls")),
    path("", include("tablets.urls")),
    path("review/", include("review.urls")),
    path("oversight/", include("oversight.urls")),
    path("fhir/r4/", include("interop.urls")),
    path("interop/", include("interop.owner_urls")),
    path("", include("interop.cds_urls")),
    path("admin/", admin.site.urls),
]
