"""The only URLs a tablet in a client's hands can reach (see intake.kiosk.KioskMiddleware)."""

from django.urls import path

from visits import kiosk_views

app_name = "kiosk"

urlpatterns = [
    path("", kiosk_views.home, name="home"),
    path("language/", kiosk_views.language, name="language"),
    path("changed/", kiosk_views.changed, name="changed"),
    path("section/<slug:section>/", kiosk_views.section, name="section"),
    path("save/", kiosk_views.save, name="save"),
    path("still-here/", kiosk_views.still_here, name="still_here"),
    path("done/", kiosk_views.done, name="done"),
    path("staff/", kiosk_views.staff_return, name="staff"),
    path("ended/", kiosk_views.ended, name="ended"),
]
