"""URLs of Settings > Segmentation: `settings/segmentation/` of the Wagtail admin."""

from django.urls import path

from modules.segmentation.screens import views

app_name = views.NS

urlpatterns = [
    path("", views.SegmentationIndexView.as_view(), name="index"),
    path("<slug:slug>/", views.SchemeView.as_view(), name="scheme"),
    path("<slug:slug>/recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("<slug:slug>/progress/", views.ProgressView.as_view(), name="progress"),
]
