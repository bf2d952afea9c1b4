from django.urls import path

from baiyun_talent.databases import reads_from_statistics_replica
from benefits import views

app_name = "benefits"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:number>/", views.service_guide, name="service"),
    path("mine/", views.mine, name="mine"),
    path("mine/guide.pdf", views.mine_pdf, name="mine_pdf"),
    path("mine/book/<int:number>/", views.book, name="book"),
    path("mine/bookings/<int:pk>/cancel/", views.mine_cancel, name="mine_cancel"),
    path("desk/", views.desk, name="desk"),
    path("desk/card/", views.desk_card, name="desk_card"),
    path("desk/card/done/", views.desk_card_clear, name="desk_card_clear"),
    path("desk/records/", views.desk_records, name="desk_records"),
    path("desk/bookings/<int:pk>/", views.desk_booking, name="desk_booking"),
    path("statistics/", reads_from_statistics_replica(views.statistics), name="statistics"),
    path("statistics.csv", reads_from_statistics_replica(views.statistics_csv), name="statistics_csv"),
]
