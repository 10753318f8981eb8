"""URLs of the tus endpoint, included under /api/v1/uploads/."""

from django.urls import path

from bodycam.uploads import views

urlpatterns = [
    path("", views.collection, name="tus-uploads"),
    path("<uuid:pk>/", views.resource, name="tus-upload"),
]
