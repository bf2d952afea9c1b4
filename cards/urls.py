from django.urls import path

from cards import lifecycle_views, verification_views, views

app_name = "cards"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/credential.pdf", views.credential, name="credential"),
    path("<int:pk>/photo", views.photo, name="photo"),
    path("<int:pk>/wallet/", views.wallet, name="wallet"),
    path("<int:pk>/wallet/code", views.wallet_code, name="wallet_code"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/render/", views.render_again, name="render"),
    path("register/", lifecycle_views.register, name="register"),
    path("<int:pk>/end/", lifecycle_views.end, name="end"),
    path("midterm/", lifecycle_views.midterm_list, name="midterm_list"),
    path("midterm/<int:pk>/", lifecycle_views.midterm, name="midterm"),
    path("midterm/<int:pk>/report/", lifecycle_views.midterm_report_file, name="midterm_report_file"),
    # cards.tokens.VERIFY_PATH and cards.status_list.LIST_PATH name two of these addresses: they are printed in QR
    # codes and downloaded by offline verifiers, so they never change.
    path("verify/", verification_views.verify, name="verify"),
    path("keys.json", verification_views.keys, name="keys"),
    path("status-list.json", verification_views.status_list, name="status_list"),
]
