"""Relation types in schemas/*.yaml: shipped ones exist, a re-sync keeps admin changes,
invalid files are refused before anything is applied."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from modules.metamodel.models import EntityType
from modules.relations.models import RelationType
from modules.relations.type_service import RelationTypeService


def sync(directory: Path) -> str:
    out = io.StringIO()
    call_command("sync_schemas", path=str(directory), stdout=out)
    return out.getvalue()


def write(directory: Path, *definitions: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.yaml"):
        old.unlink()
    for definition in definitions:
        (directory / f"{definition['slug']}.yaml").write_text(
            yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return directory


def shops(**relation) -> dict:
    spec = {
        "target": "rs_shops",
        "source_label": {"en": "Parent shop"},
        "target_label": {"en": "Franchise"},
        **relation,
    }
    return {
        "slug": "rs_shops",
        "label": "Shop",
        "label_plural": "Shops",
        "fields": {"name": {"type": "text", "label": "Name"}},
        "relations": {"rs_franchise": spec},
    }


def test_the_built_in_relation_types_are_shipped(db):
    def labels(key):
        row = RelationType.objects.select_related("source", "target").get(key=key)
        return row.source.slug, row.target.slug, row.source_label.get("en"), row.symmetric

    assert labels("headquarters_branch") == ("companies", "companies", "Headquarters", False)
    assert RelationType.objects.get(key="headquarters_branch").max_sources == 1
    assert labels("competitors") == ("companies", "companies", "Competitors", True)
    assert labels("partners") == ("companies", "companies", "Partners", True)
    assert labels("project_subcontractor") == ("spaces", "companies", "Project", False)
    assert labels("project_client") == ("spaces", "companies", "Project", False)
    assert labels("sale_implementation") == ("deals", "spaces", "Sale", False)
    assert RelationType.objects.get(key="sale_implementation").target_label["pl"] == (
        "Projekt realizacji ustaleń"
    )


def test_a_resync_keeps_what_the_admin_changed_and_applies_the_rest(db, tmp_path, admin):
    directory = write(tmp_path, shops(max_sources=1))
    assert "relation rs_franchise added" in sync(directory)
    row = RelationType.objects.get(key="rs_franchise")
    RelationTypeService().update(admin, row.pk, {"source_label": {"en": "Mother shop"}})
    # when the file changes both a label the admin changed and a limit they left alone
    write(tmp_path, shops(max_sources=2, source_label={"en": "Head shop"}))
    report = sync(directory)
    row.refresh_from_db()
    assert row.source_label == {"en": "Mother shop"}
    assert row.max_sources == 2
    assert "relation rs_franchise updated max_sources" in report


def test_a_resync_leaves_a_trashed_relation_type_in_the_trash(db, tmp_path, admin):
    directory = write(tmp_path, shops())
    sync(directory)
    row = RelationType.objects.get(key="rs_franchise")
    RelationTypeService().delete(admin, row.pk)
    write(tmp_path, shops(max_targets=5))
    sync(directory)
    row.refresh_from_db()
    assert row.deleted_at is not None and row.max_targets is None


@pytest.mark.parametrize(
    ("relation", "message"),
    [
        ({"target": "rs_nowhere"}, "There is no entity type 'rs_nowhere'"),
        ({"symmetric": True, "target": "companies"}, "target must be rs_shops"),
        ({"target_label": None}, "Name the target side"),
    ],
)
def test_an_invalid_relation_in_a_file_applies_nothing(db, tmp_path, relation, message):
    definition = shops(**relation)
    spec = definition["relations"]["rs_franchise"]
    for key, value in list(spec.items()):
        if value is None:
            del spec[key]
    with pytest.raises(CommandError, match=message):
        sync(write(tmp_path, definition))
    assert not EntityType.objects.filter(slug="rs_shops").exists()
    assert not RelationType.objects.filter(key="rs_franchise").exists()


def test_two_files_may_not_ship_one_relation_key(db, tmp_path):
    other = shops()
    other["slug"] = "rs_kiosks"
    other["relations"]["rs_franchise"]["target"] = "rs_kiosks"
    with pytest.raises(CommandError, match="also defines the relation type 'rs_franchise'"):
        sync(write(tmp_path, shops(), other))
    assert not RelationType.objects.filter(key="rs_franchise").exists()
