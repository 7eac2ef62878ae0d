from django.urls import include, path

from visits import appointment_views, views

app_name = "visits"

client = [
    path("", views.client_page, name="client"),
    path("book/", appointment_views.new, name="appointment_new"),
]
appointments = [
    path("<uuid:public_id>/send-link/", appointment_views.send_link, name="appointment_send_link"),
    path("<uuid:public_id>/cancel/", appointment_views.cancel, name="appointment_cancel"),
    path("import/", appointment_views.import_file, name="appointment_import"),
    path("mine/", appointment_views.mine, name="mine"),
]

urlpatterns = [
    # Mounted at the root before clients.urls: what does not match here falls through to it.
    path("clients/<uuid:public_id>/", include(client)),
    path("intake/today/", views.today, name="today"),
    path("appointments/", include(appointments)),
]
