from django.urls import path

from eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("self-check/", views.self_check, name="self_check"),
    path("self-check/result/", views.self_check_result, name="self_check_result"),
    path("self-check/apply/", views.self_check_apply, name="self_check_apply"),
    path("self-check/answers/", views.self_check_answers, name="self_check_answers"),
    path("self-check/<slug:slug>/", views.self_check_page, name="self_check_page"),
    path("policies/", views.policies, name="policies"),
    path("policies/<slug:code>/", views.policy, name="policy"),
]
