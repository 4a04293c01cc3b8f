import io
import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from modules.access.services import AccessService
from modules.metamodel.exceptions import SchemaFileInvalid
from modules.metamodel.field_types import field_types
from modules.metamodel.models import AppliedSchema, EntityType, LayoutItem, SchemaState
from modules.metamodel.schemafiles.definitions import parse, read_definitions
from modules.metamodel.schemafiles.export import export_definitions
from modules.metamodel.schemafiles.sync import Sync

SHIPPED = Path(settings.BASE_DIR) / "schemas"


def write_definitions(directory: Path, *definitions: dict) -> Path:
    """Write each definition as `<slug>.yaml` into `directory` (replacing what was there)."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.yaml"):
        old.unlink()
    for definition in definitions:
        (directory / f"{definition['slug']}.yaml").write_text(
            yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return directory


def sync(directory: Path) -> str:
    out = io.StringIO()
    call_command("sync_schemas", path=str(directory), stdout=out)
    return out.getvalue()


def field(slug: str, api_name: str, *, trashed: bool = False):
    entity = EntityType.objects.get(slug=slug)
    rows = entity.fields.trashed() if trashed else entity.fields.alive()
    return rows.get(api_name=api_name)


def gadgets(**field_changes) -> dict:
    """A small custom definition; `field_changes` replaces (or, with None, removes) fields."""
    fields = {
        "name": {"type": "text", "label": "Name", "required": True},
        "colour": {"type": "text", "label": "Colour"},
        "weight": {"type": "integer", "label": "Weight", "options": {"min": 0}},
        "size": {"type": "text", "label": "Size", "system": False},
        "legacy_code": {"type": "text", "label": "Legacy code"},
        "grade": {
            "type": "choice",
            "label": "Grade",
            "options": {"choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        },
    }
    for name, spec in field_changes.items():
        if spec is None:
            fields.pop(name)
        else:
            fields[name] = spec
    return {
        "slug": "gadgets",
        "label": "Gadget",
        "label_plural": "Gadgets",
        "system": False,
        "fields": fields,
        "layout": [{"label": "Main", "fields": list(fields)}],
    }


# -- the shipped files -------------------------------------------------------------


def test_shipped_schema_files_are_valid_definitions():
    # when
    definitions = read_definitions(SHIPPED)
    # then
    assert [d["slug"] for d in definitions] == [
        "companies",
        "deals",
        "leads",
        "persons",
        "products",
        "spaces",
    ]


def test_every_shipped_field_has_a_registered_type_and_valid_options():
    # given
    definitions = read_definitions(SHIPPED)
    # when
    checked = []
    for definition in definitions:
        for name, spec in definition["fields"].items():
            field_type = field_types.get(spec["type"])
            field_type.validate_options(spec.get("options"))
            checked.append(f"{definition['slug']}.{name}")
    # then
    assert "deals.company" in checked and "persons.company" in checked
    assert len(checked) == sum(len(d["fields"]) for d in definitions)


def test_persons_and_companies_ship_with_segmentation_on(db):
    # given
    definitions = {d["slug"]: d for d in read_definitions(SHIPPED)}
    # then
    for slug in ("persons", "companies"):
        assert definitions[slug]["features"]["segmentation"] is True
        assert EntityType.objects.get(slug=slug).supports_segmentation is True
    assert EntityType.objects.get(slug="deals").supports_segmentation is False


def test_deals_ship_an_auto_number_with_number_slash_year_pattern(db):
    # given
    definitions = {d["slug"]: d for d in read_definitions(SHIPPED)}
    # then
    number = definitions["deals"]["fields"]["number"]
    assert number["type"] == "auto_number"
    assert number["options"]["pattern"] == "%N/%Y"
    synced = field("deals", "number")
    assert synced.type == "auto_number" and synced.options["pattern"] == "%N/%Y"


# -- idempotency ---------------------------------------------------------------------


def test_sync_schemas_again_reports_every_file_unchanged_and_keeps_the_version(db):
    # given
    version_before = SchemaState.current()[0]
    applied_before = dict(AppliedSchema.objects.values_list("name", "digest"))
    # when
    out = io.StringIO()
    call_command("sync_schemas", stdout=out)
    # then
    assert out.getvalue().splitlines() == [
        f"{slug}: unchanged"
        for slug in ("companies", "deals", "leads", "persons", "products", "spaces")
    ]
    assert SchemaState.current()[0] == version_before
    assert dict(AppliedSchema.objects.values_list("name", "digest")) == applied_before


def test_sync_of_a_new_file_creates_the_entity_type_with_fields_and_layout(db, tmp_path):
    # when
    out = sync(write_definitions(tmp_path, gadgets()))
    # then
    entity = EntityType.objects.get(slug="gadgets")
    assert "gadgets: created" in out.splitlines()
    assert entity.is_system is False
    assert list(entity.fields.alive().values_list("api_name", flat=True)) == list(
        gadgets()["fields"]
    )
    assert field("gadgets", "size").is_system is False
    assert field("gadgets", "name").is_system is True and field("gadgets", "name").required
    sections = entity.layout.sections.all()
    assert [s.label for s in sections] == ["Main"]
    assert [i.field.api_name for i in sections[0].items.all()] == list(gadgets()["fields"])


# -- three-way merge: admin changes survive ---------------------------------------------


def test_resync_keeps_a_label_the_admin_changed(db, tmp_path, schema, admin):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    schema.update_field(admin, "gadgets", "colour", label="Admin colour")
    # when
    sync(write_definitions(tmp_path, gadgets(colour={"type": "text", "label": "Shipped colour"})))
    # then
    assert field("gadgets", "colour").label == "Admin colour"


def test_resync_applies_a_shipped_label_to_a_field_the_admin_left_alone(
    db, tmp_path, schema, admin
):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    schema.update_field(admin, "gadgets", "colour", label="Admin colour")
    shipped = gadgets(weight={"type": "integer", "label": "Weight (kg)", "options": {"min": 0}})
    # when
    out = sync(write_definitions(tmp_path, shipped))
    # then
    assert field("gadgets", "weight").label == "Weight (kg)"
    assert "gadgets.weight: updated label" in out.splitlines()


def test_resync_does_not_bring_back_a_field_the_admin_trashed(db, tmp_path, schema, admin):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    schema.trash_field(admin, "gadgets", "size")
    shipped = gadgets(size={"type": "text", "label": "Size (cm)", "system": False})
    # when
    sync(write_definitions(tmp_path, shipped))
    # then
    assert not EntityType.objects.get(slug="gadgets").fields.alive().filter(api_name="size")
    assert field("gadgets", "size", trashed=True).label == "Size"


def test_resync_adds_a_newly_shipped_field_to_its_layout_section(db, tmp_path):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    shipped = gadgets(price={"type": "integer", "label": "Price"})
    # when
    out = sync(write_definitions(tmp_path, shipped))
    # then
    price = field("gadgets", "price")
    assert price.label == "Price" and price.type == "integer"
    assert "gadgets.price: added" in out.splitlines()
    assert LayoutItem.objects.get(field=price).section.label == "Main"


def test_resync_places_a_new_field_in_the_last_section_when_the_admin_removed_its_section(
    db, tmp_path, schema, admin
):
    # given
    two_sections = gadgets()
    two_sections["layout"] = [
        {"label": "Main", "fields": ["name", "colour", "weight"]},
        {"label": "More", "fields": ["size", "legacy_code", "grade"]},
    ]
    sync(write_definitions(tmp_path, two_sections))
    schema.set_layout(admin, "gadgets", [{"label": "Everything", "fields": ["name", "grade"]}])
    shipped = gadgets(price={"type": "integer", "label": "Price"})
    shipped["layout"] = [
        {"label": "Main", "fields": ["name", "colour", "weight"]},
        {"label": "More", "fields": ["size", "legacy_code", "grade", "price"]},
    ]
    # when
    sync(write_definitions(tmp_path, shipped))
    # then
    assert LayoutItem.objects.get(field=field("gadgets", "price")).section.label == "Everything"


def test_resync_never_drops_a_field_removed_from_the_file(db, tmp_path):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    # when
    sync(write_definitions(tmp_path, gadgets(legacy_code=None)))
    # then
    assert field("gadgets", "legacy_code").label == "Legacy code"


def test_resync_keeps_a_field_the_admin_added(db, tmp_path, schema, admin):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    schema.add_field(admin, "gadgets", api_name="notes", label="Notes", type="long_text")
    # when
    sync(write_definitions(tmp_path, gadgets(price={"type": "integer", "label": "Price"})))
    # then
    assert field("gadgets", "notes").type == "long_text"


def test_resync_keeps_options_the_admin_changed_but_applies_untouched_ones(
    db, tmp_path, schema, admin
):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    admin_choices = [{"value": "a", "label": "A"}, {"value": "x", "label": "Excellent"}]
    schema.update_field(admin, "gadgets", "grade", options={"choices": admin_choices})
    shipped = gadgets(
        grade={
            "type": "choice",
            "label": "Grade",
            "options": {"choices": [{"value": "c", "label": "C"}]},
        },
        weight={"type": "integer", "label": "Weight", "options": {"min": 0, "max": 500}},
    )
    # when
    sync(write_definitions(tmp_path, shipped))
    # then
    assert field("gadgets", "grade").options == {"choices": admin_choices}
    assert field("gadgets", "weight").options == {"min": 0, "max": 500}


def test_resync_with_every_kind_of_change_at_once_keeps_all_admin_changes(
    db, tmp_path, schema, admin
):
    # given
    sync(write_definitions(tmp_path, gadgets()))
    schema.update_field(admin, "gadgets", "colour", label="Admin colour")
    schema.trash_field(admin, "gadgets", "size")
    schema.add_field(admin, "gadgets", api_name="notes", label="Notes", type="long_text")
    admin_choices = [{"value": "z", "label": "Zed"}]
    schema.update_field(admin, "gadgets", "grade", options={"choices": admin_choices})
    shipped = gadgets(
        colour={"type": "text", "label": "Shipped colour"},
        weight={"type": "integer", "label": "Weight (kg)", "options": {"min": 0}},
        price={"type": "integer", "label": "Price"},
        legacy_code=None,
    )
    # when
    sync(write_definitions(tmp_path, shipped))
    # then
    entity = EntityType.objects.get(slug="gadgets")
    alive = {f.api_name: f for f in entity.fields.alive()}
    assert set(alive) == {"name", "colour", "weight", "legacy_code", "grade", "notes", "price"}
    assert alive["colour"].label == "Admin colour"
    assert alive["weight"].label == "Weight (kg)"
    assert alive["grade"].options == {"choices": admin_choices}
    assert entity.fields.trashed().filter(api_name="size").exists()


def test_resync_of_an_unchanged_file_after_admin_changes_touches_nothing(
    db, tmp_path, schema, admin
):
    # given
    directory = write_definitions(tmp_path, gadgets())
    sync(directory)
    schema.update_field(admin, "gadgets", "colour", label="Admin colour")
    version_before = SchemaState.current()[0]
    # when
    out = sync(directory)
    # then
    assert out.splitlines() == ["gadgets: unchanged"]
    assert SchemaState.current()[0] == version_before
    assert field("gadgets", "colour").label == "Admin colour"


# -- invalid files: clear error, nothing applied -----------------------------------------


def valid(slug: str) -> dict:
    return {
        "slug": slug,
        "label": "Valid",
        "label_plural": "Valids",
        "fields": {"title_text": {"type": "text", "label": "Title"}},
    }


def with_field(slug: str, name: str, spec: dict) -> dict:
    definition = valid(slug)
    definition["fields"][name] = spec
    return definition


def text(definition: dict) -> str:
    return yaml.safe_dump(definition, sort_keys=False)


RELATION_NO_TARGET = {"type": "relation", "label": "Partner"}

# Each case: files (name -> text) and what the error must say. A valid file sorts
# first, so a check made only while applying would leave it (half) applied.
INVALID = {
    "yaml syntax error": (
        {"zz_broken.yaml": "slug: broken\nlabel: [unclosed\n"},
        ["zz_broken.yaml", "not valid YAML"],
    ),
    "missing label_plural": (
        {"zz_plural.yaml": text({"slug": "zz_plural", "label": "No plural"})},
        ["zz_plural.yaml", "'label_plural' is a required property"],
    ),
    "layout names an unknown field": (
        {
            "zz_layout.yaml": text(
                {**valid("zz_layout"), "layout": [{"label": "Main", "fields": ["ghost"]}]}
            )
        },
        ["zz_layout.yaml", "ghost"],
    ),
    "unknown field type": (
        {"zz_type.yaml": text(with_field("zz_type", "shape", {"type": "hologram", "label": "S"}))},
        ["zz_type.yaml", "shape", "hologram"],
    ),
    "invalid options": (
        {
            "zz_options.yaml": text(
                with_field(
                    "zz_options",
                    "amount",
                    {"type": "integer", "label": "Amount", "options": {"min": 10, "max": 1}},
                )
            )
        },
        ["zz_options.yaml", "amount", "minimum must not exceed the maximum"],
    ),
    "unknown option": (
        {
            "zz_option_key.yaml": text(
                with_field(
                    "zz_option_key",
                    "amount",
                    {"type": "integer", "label": "Amount", "options": {"colour": "red"}},
                )
            )
        },
        ["zz_option_key.yaml", "amount", "colour"],
    ),
    "reserved field name": (
        {"zz_owner.yaml": text(with_field("zz_owner", "owner", {"type": "text", "label": "O"}))},
        ["zz_owner.yaml", "owner", "reserved"],
    ),
    "relation without a target": (
        {"zz_no_target.yaml": text(with_field("zz_no_target", "partner", RELATION_NO_TARGET))},
        ["zz_no_target.yaml", "partner", "links to"],
    ),
    "two fields take one model attribute": (
        {
            "zz_clash.yaml": text(
                {
                    **valid("zz_clash"),
                    "fields": {
                        "partner": {**RELATION_NO_TARGET, "options": {"target": "aa_valid"}},
                        "partner_id": {"type": "text", "label": "Partner id"},
                    },
                }
            )
        },
        ["zz_clash.yaml", "partner_id", "also a name of field 'partner'"],
    ),
    "reserved slug": (
        {"zz_meta.yaml": text(valid("meta"))},
        ["zz_meta.yaml", "meta", "reserved"],
    ),
    "field placed in two layout sections": (
        {
            "zz_twice.yaml": text(
                {
                    **valid("zz_twice"),
                    "layout": [
                        {"label": "One", "fields": ["title_text"]},
                        {"label": "Two", "fields": ["title_text"]},
                    ],
                }
            )
        },
        ["zz_twice.yaml", "title_text"],
    ),
    "two files with the same slug": (
        {"zz_one.yaml": text(valid("zz_same")), "zz_two.yaml": text(valid("zz_same"))},
        ["More than one file defines", "zz_same"],
    ),
}


def write_files(directory: Path, files: dict[str, str]) -> Path:
    (directory / "aa_valid.yaml").write_text(text(valid("aa_valid")), encoding="utf-8")
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")
    return directory


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_read_definitions_refuses_an_invalid_file_naming_it_and_the_problem(case, tmp_path):
    # given
    files, expected = INVALID[case]
    directory = write_files(tmp_path, files)
    # when
    with pytest.raises(SchemaFileInvalid) as raised:
        read_definitions(directory)
    # then
    message = raised.value.detail + json.dumps(raised.value.errors, ensure_ascii=False)
    for part in expected:
        assert part in message


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_sync_schemas_refuses_an_invalid_file_set_and_applies_nothing(case, db, tmp_path):
    # given
    files, expected = INVALID[case]
    directory = write_files(tmp_path, files)
    entity_types_before = set(EntityType.objects.values_list("slug", flat=True))
    applied_before = AppliedSchema.objects.count()
    version_before = SchemaState.current()[0]
    # when
    with pytest.raises(CommandError) as raised:
        sync(directory)
    # then
    assert set(EntityType.objects.values_list("slug", flat=True)) == entity_types_before
    assert AppliedSchema.objects.count() == applied_before
    assert SchemaState.current()[0] == version_before
    for part in expected:
        assert part in str(raised.value)


def test_sync_refuses_a_relation_to_an_unknown_entity_type_and_applies_nothing(db, tmp_path):
    # given
    directory = write_files(
        tmp_path,
        {
            "zz_link.yaml": text(
                with_field(
                    "zz_link",
                    "partner",
                    {"type": "relation", "label": "Partner", "options": {"target": "nowhere"}},
                )
            )
        },
    )
    version_before = SchemaState.current()[0]
    # when
    with pytest.raises(CommandError) as raised:
        sync(directory)
    # then
    assert not EntityType.objects.filter(slug__in=["aa_valid", "zz_link"]).exists()
    assert SchemaState.current()[0] == version_before
    assert "partner" in str(raised.value) and "nowhere" in str(raised.value)


def test_sync_accepts_a_relation_to_an_entity_type_defined_in_another_file(db, tmp_path):
    # given
    directory = write_files(
        tmp_path,
        {
            "zz_link.yaml": text(
                with_field(
                    "zz_link",
                    "partner",
                    {"type": "relation", "label": "Partner", "options": {"target": "aa_valid"}},
                )
            )
        },
    )
    # when
    sync(directory)
    # then
    assert field("zz_link", "partner").target_entity.slug == "aa_valid"


# -- export ------------------------------------------------------------------------------


def dump(definition: dict) -> str:
    """YAML as `export_definitions` writes it (checked against its output below)."""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=100)


def renamed(definition: dict, slugs: dict[str, str]) -> dict:
    """`definition` with its slug and relation targets mapped through `slugs`."""
    result = json.loads(json.dumps(definition))
    result["slug"] = slugs[result["slug"]]
    for spec in result.get("fields", {}).values():
        options = spec.get("options", {})
        if "target" in options:
            options["target"] = slugs[options["target"]]
    if "relations" in result:
        result["relations"] = {
            (key[3:] if key.startswith("rt_") else f"rt_{key}"): {
                **spec,
                "target": slugs[spec["target"]],
            }
            for key, spec in result["relations"].items()
        }
    return result


def test_export_then_sync_then_export_gives_identical_yaml(db, tmp_path, schema, admin):
    # given: an admin-made field, entity type with a relation, and layout
    schema.add_field(
        admin, "persons", api_name="hobby", label={"en": "Hobby"}, type="text", required=True
    )
    schema.create_entity_type(
        admin, slug="contracts", label="Contract", label_plural="Contracts", icon="file"
    )
    schema.add_field(
        admin,
        "contracts",
        api_name="client",
        label="Client",
        type="relation",
        options={"target": "companies"},
    )
    schema.add_field(
        admin, "contracts", api_name="signed", label="Signed on", type="date", help_text="When"
    )
    schema.set_layout(
        admin,
        "persons",
        [
            {"label": "Who", "fields": ["last_name", "first_name", "hobby"]},
            {"label": {"en": "Where", "pl": "Gdzie"}, "fields": ["company", "email"]},
        ],
    )
    # and access settings, default participants and list columns an admin chose
    access = AccessService()
    access.update_visibility(admin, "persons", allowed=["public", "hidden"], default="hidden")
    access.update_permissions(admin, "persons", system={"user": ["view", "add", "edit"]})
    access.update_participants(admin, "persons", creator_team=True, users=[admin.pk])
    schema.update_entity_type(admin, "persons", list_columns=["last_name", "hobby", "email"])
    exported = export_definitions()
    # A fresh copy of every entity type: the same definitions under `rt_` slugs (relation
    # targets too), created from nothing by a sync (no AppliedSchema, no rows yet).
    originals = [yaml.safe_load(text_) for text_ in exported.values()]
    slugs = {d["slug"]: f"rt_{d['slug']}" for d in originals}
    for definition in originals:
        copy = renamed(definition, slugs)
        (tmp_path / f"{copy['slug']}.yaml").write_text(dump(copy), encoding="utf-8")
    assert [dump(d) for d in originals] == list(exported.values()), "dump() must match export"
    # when
    Sync().run(read_definitions(tmp_path))
    exported_again = export_definitions()
    # then: the copy's export, mapped back to the original slugs, is the original's text
    # (labels, help texts, flags, options, targets, feature switches, field order,
    # layout sections and their fields' order, fields left off the layout).
    back = {copy: original for original, copy in slugs.items()}
    assert set(exported_again) == set(exported) | {f"{s}.yaml" for s in back}
    for original, copy in slugs.items():
        again = dump(renamed(yaml.safe_load(exported_again[f"{copy}.yaml"]), back))
        assert again == exported[f"{original}.yaml"]
    persons = yaml.safe_load(exported["persons.yaml"])
    assert persons["fields"]["hobby"] == {
        "type": "text",
        "label": {"en": "Hobby"},
        "required": True,
        "system": False,
    }
    assert persons["layout"][0] == {"label": "Who", "fields": ["last_name", "first_name", "hobby"]}
    assert persons["access"]["visibility"] == {"allowed": ["public", "hidden"], "default": "hidden"}
    assert persons["access"]["system"]["user"] == ["view", "add", "edit"]
    assert persons["access"]["participants"] == {
        "creator_team": True,
        "users": ["root"],
        "teams": [],
    }
    assert persons["list_columns"] == ["last_name", "hobby", "email"]
    contracts = yaml.safe_load(exported["contracts.yaml"])
    assert contracts["system"] is False
    assert contracts["fields"]["client"]["options"] == {"target": "companies"}
    assert "access" not in contracts and "list_columns" not in contracts


def test_export_schema_writes_one_yaml_file_per_entity_type(db, tmp_path, scratch_entity):
    # given
    extra = scratch_entity()
    # when
    call_command("export_schema", str(tmp_path / "out"), stdout=io.StringIO())
    # then
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    slugs = sorted(EntityType.objects.values_list("slug", flat=True))
    assert written == sorted(f"{slug}.yaml" for slug in slugs)
    assert f"{extra}.yaml" in written
    for path in (tmp_path / "out").iterdir():
        assert parse(path.read_text(encoding="utf-8"), path.name)["slug"] == path.stem
