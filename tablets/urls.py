"""The tablet's own pages (/tablet/...) and the staff's actions on tablets (/tablets/...)."""

from django.urls import include, path

from tablets import views

device = (
    [
        path("", views.waiting, name="waiting"),
        path("poll/", views.poll, name="poll"),
        path("start/", views.start, name="start"),
        path("enrol/", views.enrol, name="enrol"),
        path("not-enrolled/", views.not_enrolled, name="not_enrolled"),
    ],
    "tablet",
)
# The staff's actions on one enrolled tablet.
tablet_actions = [
    path("code/", views.new_code, name="new_code"),
    path("revoke/", views.revoke, name="revoke"),
    path("take-back/", views.take_back, name="take_back"),
]
staff = (
    [
        path("", views.tablet_list, name="list"),
        path("add/", views.add, name="add"),
        path("<uuid:public_id>/", include(tablet_actions)),
        path("send/<uuid:public_id>/", views.send, name="send"),
    ],
    "tablets",
)

urlpatterns = [
    path("tablet/", include(device)),
    path("tablets/", include(staff)),
]
