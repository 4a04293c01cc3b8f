"""The sales screens under each entity type's `records/<slug>/` (`SalesConfig.ready()`)."""

from django.urls import path

from modules.sales.screens.board import BoardScreen
from modules.sales.screens.steps import STEPS, process_step


def record_urlpatterns(entity_slug: str) -> list:
    """The board and the process steps; a type without processes answers 404 on them."""
    common = {"entity_slug": entity_slug}
    steps = [
        path(
            f"<int:pk>/process/{step}/",
            process_step,
            {**common, "step": step},
            name=f"process_{step}",
        )
        for step in STEPS
    ]
    return [path("board/", BoardScreen.as_view(), common, name="board"), *steps]
