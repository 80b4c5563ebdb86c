from django.http import JsonResponse
from django.urls import path


def health(request):
    return JsonResponse({"status": "ok", "app": "inloop"})


# No admin: Debian's Django links the admin's JavaScript to libjs-* packages
# the stand-in does not need.
urlpatterns = [path("health", health)]
