from django.urls import path

from cards import verification_views

app_name = "cards_api"

urlpatterns = [
    path("cards/verify", verification_views.api_verify, name="verify"),
]
