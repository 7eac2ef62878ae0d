from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<uuid:public_id>/edit/", views.client_edit, name="edit"),
    path("<uuid:public_id>/archive/", views.client_archive, name="archive"),
]
