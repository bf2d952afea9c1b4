from django.urls import path


def broken(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("broken/", broken)]
