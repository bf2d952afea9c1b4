from django.urls import path

from rosters import district_views, invitation_views, views

app_name = "rosters"

urlpatterns = [
    path("", views.home, name="home"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/file/", views.roster_file, name="file"),
    path("district/", district_views.district, name="district"),
    path("invitation/<str:token>/", invitation_views.invitation_open_view, name="invitation_open"),
    path("invitations/", invitation_views.mine, name="mine"),
    path("invitations/<int:pk>/", invitation_views.invitation, name="invitation"),
    path("invitations/<int:pk>/decline/", invitation_views.invitation_decline_view, name="invitation_decline"),
    path("lists/", district_views.lists, name="lists"),
    path("funnel/", district_views.funnel_view, name="funnel"),
    path("funnel.csv", district_views.funnel_csv, name="funnel_csv"),
]
