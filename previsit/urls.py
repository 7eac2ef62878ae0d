"""The client's pages (/p/...) and the front desk's two actions on a link."""

from django.urls import include, path

from previsit import views

app_name = "previsit"

# The pages a client reaches with a link, before and during the identity check; the named ones
# come before "<str:token>/", which would take their names as a token.
client_pages = [
    path("verify/", views.verify, name="verify"),
    path("code/", views.code, name="code"),
    path("closed/", views.closed, name="closed"),
    path("<str:token>/", views.open_link, name="open"),
]

urlpatterns = [
    path("p/", include(client_pages)),
    path("clients/<uuid:public_id>/previsit/send/", views.send, name="send"),
    path("previsit/<uuid:public_id>/revoke/", views.revoke, name="revoke"),
]

CLIENT_PAGES = frozenset(page.name for page in client_pages)
