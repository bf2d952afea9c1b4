from django.urls import path

from cards import views

app_name = "cards_api"

urlpatterns = [
    path("cards/verify", views.api_verify, name="verify"),
]
