from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import twofactor, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/<slug:role>/", views.workspace, name="workspace"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("register/", views.register, name="register"),
    path("register/verify/", views.verify, name="verify"),
    path("register/verify/resend/", views.verify_resend, name="verify_resend"),
    *twofactor.urlpatterns,
]
