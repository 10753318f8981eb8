"""The REST API, version 1: every app registers its endpoints here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bodycam.accounts import api as accounts_api

router = DefaultRouter()
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("units", accounts_api.UnitViewSet, basename="unit")

urlpatterns = [
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
