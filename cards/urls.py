from django.urls import path

from cards import views

app_name = "cards"

# cards.tokens.VERIFY_PATH and cards.status_list.LIST_PATH name two of these addresses: they are printed in QR codes
# and downloaded by offline verifiers, so they never change.
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("keys.json", views.keys, name="keys"),
    path("status-list.json", views.status_list, name="status_list"),
]
