from django.urls import path

from eligibility import views

app_name = "eligibility_api"

urlpatterns = [
    path("eligibility/evaluate", views.api_evaluate, name="evaluate"),
    path("eligibility/criteria", views.api_criteria, name="criteria"),
]
