"""URLs of the tus endpoint, included under /api/v1/uploads/."""

urlpatterns: list = []
