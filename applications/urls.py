from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("employer/", views.employer_home, name="employer_home"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/<slug:step>/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
    path("materials/<int:pk>/remove/", views.material_remove, name="material_remove"),
    path("deleted-files/", views.deleted_files, name="deleted_files"),
]
