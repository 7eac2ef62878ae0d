from django.urls import path

from interop import owner_views

app_name = "interop"

urlpatterns = [
    path("tokens/", owner_views.tokens, name="tokens"),
    path("tokens/<uuid:public_id>/revoke/", owner_views.revoke, name="revoke_token"),
]
