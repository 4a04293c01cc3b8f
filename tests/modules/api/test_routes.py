"""The routes each module registers are served in the order that keeps them apart."""

from django.urls import resolve, reverse


def view_name(path: str) -> str:
    match = resolve(path)
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    return view.__name__ if view else match.func.__name__


def test_fixed_routes_win_over_the_record_routes_of_a_slug():
    # when / then: `imports/5/` is a batch, not record 5 of a type `imports`
    assert view_name("/api/v1/imports/5/") == "BatchView"
    assert view_name("/api/v1/history/") == "ChangeLogView"
    assert view_name("/api/v1/users/7/hand-over/") == "HandOverView"
    assert view_name("/api/v1/meta/entity-types/persons/segmentation/") == "SchemeView"


def test_every_module_serves_its_record_routes_under_the_slug():
    # when / then
    assert view_name("/api/v1/persons/5/") == "RecordViewSet"
    assert view_name("/api/v1/persons/5/relations/") == "RecordRelationsView"
    assert view_name("/api/v1/persons/5/history/") == "RecordHistoryView"
    assert view_name("/api/v1/persons/export/") == "ExportViewSet"
    assert view_name("/api/v1/persons/5/no-such-thing/") == "json_404"


def test_route_names_are_those_the_modules_gave():
    # when / then
    assert reverse("api-token") == "/api/v1/auth/token/"
    assert reverse("meta-field", args=["persons", "email"]) == (
        "/api/v1/meta/entity-types/persons/fields/email/"
    )
    assert reverse("api-user-hand-over", args=[7]) == "/api/v1/users/7/hand-over/"
