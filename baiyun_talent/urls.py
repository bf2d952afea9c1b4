from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from accounts import views as account_views
from baiyun_talent.views import landing, openapi_json

# The admin can grant any role: it asks for the code of an enrolled authenticator app (django-otp), and its login
# failures count toward the same lock as the portal's (django-axes runs in the authentication backends).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", landing, name="landing"),
    path("home/", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("reviews/", include("reviews.urls")),
    path("eligibility/", include("eligibility.urls")),
    path("cards/", include("cards.urls")),
    path("services/", include("benefits.urls")),
    path("api/v1/", include("eligibility.api_urls")),
    path("api/v1/", include("cards.api_urls")),
    path("api/v1/openapi.json", openapi_json, name="openapi"),
    path("i18n/setlang/", account_views.language_switch, name="set_language"),
    path("admin/", admin.site.urls),
]
