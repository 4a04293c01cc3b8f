"""Hands the segmentation API routes to the API's route registry (`SegmentationConfig.ready()`)."""

from modules.api import routes
from modules.segmentation.api import views


def register() -> None:
    """Serve `.../segmentation/` and its distribution and preview under /api/v1/meta/."""
    routes.register(views.urlpatterns, under="meta/")
