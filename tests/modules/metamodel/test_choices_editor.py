"""The choices editor: choices added, renamed, reordered and coloured on the field page, codes
made from labels, and bad rows refused in words with nothing saved."""

import pytest
from django.urls import reverse

from modules.metamodel.models import FieldDefinition, SchemaState
from modules.metamodel.screens.choices import ChoicesField, code_from

pytestmark = pytest.mark.django_db

STAGES = [
    {"value": "new", "label": {"en": "New", "pl": "Nowy"}},
    {"value": "won", "label": {"en": "Won", "pl": "Wygrany"}, "color": "#16a34a"},
]


@pytest.fixture
def entity(schema, admin, scratch_entity):
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="name", label="Name", type="text")
    schema.add_field(
        admin, slug, api_name="stage", label="Stage", type="choice", options={"choices": STAGES}
    )
    return slug


def edit_url(slug):
    return reverse("tessera_settings:field_edit", args=[slug, "stage"])


def rows(*choices):
    """What the editor posts: one entry per row, in page order."""
    names = ("choices-value", "choices-label-en", "choices-label-pl", "choices-color")
    return {name: [row[i] for row in choices] for i, name in enumerate(names)}


def field_form(*choices):
    data = rows(*choices)
    data.update({"label_0": "Stage", "api_name": "stage"})
    return data


def stored(slug):
    return FieldDefinition.objects.get(entity_type__slug=slug, api_name="stage").options


def test_the_field_page_edits_choices_without_json(client, admin, entity):
    client.force_login(admin)
    page = client.get(edit_url(entity))
    html = page.content.decode()
    assert "options" not in page.context["form"].fields
    assert 'name="choices-label-pl" value="Wygrany"' in html and "data-choices-add" in html


def test_choices_are_renamed_reordered_coloured_and_added_with_codes_from_labels(
    client, admin, entity
):
    client.force_login(admin)
    # when "won" moves first and is renamed, "new" gets a colour, a row is added, one is blank
    response = client.post(
        edit_url(entity),
        field_form(
            ("won", "Closed won", "Wygrana", "#16a34a"),
            ("new", "New", "Nowy", "#2563eb"),
            ("", "Key account", "Kluczowy klient", ""),
            ("", "", "", ""),
        ),
    )
    # then the order is the rows', codes stay, the new one is made from its English label
    assert response.status_code == 302, response.context["form"].errors
    assert stored(entity)["choices"] == [
        {"value": "won", "label": {"en": "Closed won", "pl": "Wygrana"}, "color": "#16a34a"},
        {"value": "new", "label": {"en": "New", "pl": "Nowy"}, "color": "#2563eb"},
        {"value": "key_account", "label": {"en": "Key account", "pl": "Kluczowy klient"}},
    ]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ((("new", "New", "", ""), ("", "new", "", "")), "Two choices are called"),
        ((("new", "", "", ""), ("won", "Won", "", "")), "has no label"),
        ((("new", "New", "", ""), ("new", "Newer", "", "")), "have the code"),
        ((("Bad Code", "New", "", ""),), "not valid"),
        ((("new", "New", "", "red; x"),), "colour"),
        ((("", "", "", ""),), "at least one choice"),
        ((("new", "N" * 256, "", ""),), "255"),
    ],
)
def test_bad_rows_are_refused_in_words_and_nothing_is_saved(
    client, admin, entity, choices, message
):
    client.force_login(admin)
    version = SchemaState.current()
    response = client.post(edit_url(entity), field_form(*choices))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["choices"])
    assert stored(entity) == {"choices": STAGES}
    assert SchemaState.current() == version


def test_a_new_choice_field_is_added_with_the_editor(client, admin, entity):
    client.force_login(admin)
    data = rows(("", "Yellow", "Żółta", "#ca8a04"), ("", "", "Zielona", ""))
    data.update({"type": "choice", "label_0": "Colour", "api_name": "colour", "section": "0"})
    response = client.post(reverse("tessera_settings:field_add", args=[entity]), data)
    assert response.status_code == 302, response.context["form"].errors
    field = FieldDefinition.objects.get(entity_type__slug=entity, api_name="colour")
    assert field.options["choices"] == [
        {"value": "yellow", "label": {"en": "Yellow", "pl": "Żółta"}, "color": "#ca8a04"},
        {"value": "zielona", "label": {"pl": "Zielona"}},
    ]


def test_a_code_from_a_label_is_ascii_and_unique():
    field = ChoicesField()
    cleaned = field.clean(
        [
            {"value": "", "label": {"en": "Łódź & Kraków"}, "color": ""},
            {"value": "", "label": {"en": "Lodz Krakow"}, "color": ""},
            {"value": "", "label": {"en": "!!!"}, "color": ""},
        ]
    )
    assert [c["value"] for c in cleaned] == ["lodz_krakow", "lodz_krakow_2", "choice"]
    assert code_from("Zażółć gęślą jaźń") == "zazolc_gesla_jazn"
