from django.urls import include, path

from clients import views

app_name = "clients"

client = [
    path("edit/", views.client_edit, name="edit"),
    path("archive/", views.client_archive, name="archive"),
]

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<uuid:public_id>/", include(client)),
]
