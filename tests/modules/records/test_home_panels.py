"""The home-panel seam: modules above records add boxes to the home page."""

import pytest

from modules.records.screens import extensions
from modules.records.screens.extensions import HomePanel


@pytest.fixture
def clean_panels():
    saved = dict(extensions._home_panels)
    yield
    extensions._home_panels.clear()
    extensions._home_panels.update(saved)


def test_panels_come_back_by_order_then_name_and_a_name_replaces(clean_panels):
    extensions.register_home_panel(HomePanel("zz-late", "Late", 90, lambda request: "late"))
    extensions.register_home_panel(HomePanel("b-early", "Early", 5, lambda request: "b"))
    extensions.register_home_panel(HomePanel("a-early", "Early", 5, lambda request: "a"))
    extensions.register_home_panel(HomePanel("zz-late", "Later", 95, lambda request: "later"))
    names = [panel.name for panel in extensions.home_panels()]
    assert names.index("a-early") < names.index("b-early") < names.index("zz-late")
    assert names.count("zz-late") == 1
    replaced = next(p for p in extensions.home_panels() if p.name == "zz-late")
    assert (replaced.order, replaced.render(None)) == (95, "later")
