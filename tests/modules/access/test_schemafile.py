import pytest
from django.core.management import CommandError

from modules.access.services import AccessService
from tests.modules.metamodel.test_schemafiles import sync, valid, write_definitions

pytestmark = pytest.mark.django_db

ACCESS = {
    "visibility": {"allowed": ["public", "non_public"], "default": "non_public"},
    "participants": {"creator_team": True, "users": ["root", "nobody.here"], "teams": []},
}


def test_a_file_sets_the_access_of_a_new_type_naming_what_it_left_out(tmp_path, admin):
    # when
    report = sync(write_definitions(tmp_path, {**valid("gizmos"), "access": ACCESS}))
    # then
    settings = AccessService().settings("gizmos")
    assert settings["visibility"] == ACCESS["visibility"]
    assert settings["participants"] == {"creator_team": True, "users": [admin.pk], "teams": []}
    assert "unknown user or team nobody.here left out" in report


def test_access_an_administrator_changed_is_left_alone_by_the_next_sync(tmp_path, admin):
    sync(write_definitions(tmp_path, {**valid("gizmos"), "access": ACCESS}))
    AccessService().update_visibility(admin, "gizmos", allowed=["public"], default="public")
    # when the file ships other settings
    shipped = {**ACCESS, "visibility": {"allowed": ["hidden"], "default": "hidden"}}
    report = sync(write_definitions(tmp_path, {**valid("gizmos"), "access": shipped}))
    # then the administrator's stay
    assert AccessService().settings("gizmos")["visibility"] == {
        "allowed": ["public"],
        "default": "public",
    }
    assert "access settings changed by an administrator, left as is" in report


def test_an_unknown_role_or_action_is_refused_with_the_file_named(tmp_path):
    bad = {**valid("gizmos"), "access": {"system": {"owner": ["view"]}}}
    with pytest.raises(CommandError, match="gizmos"):
        sync(write_definitions(tmp_path, bad))
    bad = {**valid("gizmos"), "access": {"objects": {"owner": ["fly"]}}}
    with pytest.raises(CommandError, match="gizmos"):
        sync(write_definitions(tmp_path, bad))
