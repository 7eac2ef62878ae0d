from django.urls import path

from visits import appointment_views, views

app_name = "visits"

urlpatterns = [
    path("clients/<uuid:public_id>/", views.client_page, name="client"),
    path("intake/today/", views.today, name="today"),
    path("clients/<uuid:public_id>/book/", appointment_views.new, name="appointment_new"),
    path(
        "appointments/<uuid:public_id>/send-link/",
        appointment_views.send_link,
        name="appointment_send_link",
    ),
    path(
        "appointments/<uuid:public_id>/cancel/", appointment_views.cancel, name="appointment_cancel"
    ),
    path("appointments/import/", appointment_views.import_file, name="appointment_import"),
    path("appointments/mine/", appointment_views.mine, name="mine"),
]
