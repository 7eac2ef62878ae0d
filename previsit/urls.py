"""The client's pages (/p/...) and the front desk's two actions on a link."""

from django.urls import path

from previsit import views

app_name = "previsit"

urlpatterns = [
    path("p/verify/", views.verify, name="verify"),
    path("p/code/", views.code, name="code"),
    path("p/closed/", views.closed, name="closed"),
    path("p/<str:token>/", views.open_link, name="open"),
    path("clients/<uuid:public_id>/previsit/send/", views.send, name="send"),
    path("previsit/<uuid:public_id>/revoke/", views.revoke, name="revoke"),
]

# The pages a client reaches with a link, before and during the identity check.
CLIENT_PAGES = frozenset({"verify", "code", "closed", "open"})
