from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("clients/<uuid:public_id>/", views.client_page, name="client"),
    path("intake/today/", views.today, name="today"),
]
