from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import StaffLoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=StaffLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("2fa/setup/qr.svg", views.two_factor_qr, name="2fa_qr"),
    path("2fa/verify/", views.two_factor_verify, name="2fa_verify"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("lockouts/", views.lockouts, name="lockouts"),
]
