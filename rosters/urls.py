from django.urls import path

from rosters import views

app_name = "rosters"

urlpatterns = [
    path("", views.home, name="home"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/file/", views.roster_file, name="file"),
    path("district/", views.district, name="district"),
    path("invitation/<str:token>/", views.invitation_open_view, name="invitation_open"),
    path("invitations/", views.mine, name="mine"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/decline/", views.invitation_decline_view, name="invitation_decline"),
    path("lists/", views.lists, name="lists"),
    path("funnel/", views.funnel_view, name="funnel"),
    path("funnel.csv", views.funnel_csv, name="funnel_csv"),
]
