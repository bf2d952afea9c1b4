from django.urls import path

from baiyun_talent.databases import reads_from_statistics_replica
from reviews import views

app_name = "reviews"

urlpatterns = [
    path("statistics/", reads_from_statistics_replica(views.statistics), name="statistics"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("applications/<int:pk>/confirm-employer/", views.confirm_employer, name="confirm_employer"),
    path("<slug:role>/", views.queue, name="queue"),
    path("<slug:role>/bulk/", views.bulk, name="bulk"),
    path("<slug:role>/export.<slug:export_format>", views.export, name="export"),
]
