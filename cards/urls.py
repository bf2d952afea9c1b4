from django.urls import path

from cards import lifecycle_views

app_name = "cards"

urlpatterns = [
    path("register/", lifecycle_views.register, name="register"),
    path("<int:pk>/end/", lifecycle_views.end, name="end"),
    path("midterm/", lifecycle_views.midterm_list, name="midterm_list"),
    path("midterm/<int:pk>/", lifecycle_views.midterm, name="midterm"),
    path("midterm/<int:pk>/report/", lifecycle_views.midterm_report_file, name="midterm_report_file"),
]
