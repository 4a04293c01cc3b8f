"""The admin screens of relations: Settings > Relations, the profile panel, form fields, lists."""

import re

import pytest
from django.urls import reverse

from modules.metamodel.models import LayoutSection
from modules.records.services import RecordService
from modules.relations.models import Relation, RelationType
from modules.relations.services import RelationService
from modules.relations.type_service import RelationTypeService

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"relations_settings:{name}", args=args)


def relation_type(admin, key, data):
    """The relation type with `key`: the shipped one if synced, else made here."""
    found = RelationType.objects.filter(key=key, deleted_at__isnull=True).first()
    if found is not None:
        return RelationTypeService().update(admin, found.pk, {k: v for k, v in data.items()})
    return RelationTypeService().create(admin, {"key": key, **data})


@pytest.fixture
def hq(admin):
    """Companies: Headquarters — Branch, a branch has one headquarters."""
    return relation_type(
        admin,
        "headquarters_branch",
        {
            "source": "companies",
            "target": "companies",
            "source_label": {"en": "Headquarters", "pl": "Centrala"},
            "target_label": {"en": "Branch", "pl": "Oddział"},
            "symmetric": False,
            "max_sources": 1,
            "max_targets": None,
            "source_form_section": None,
            "target_form_section": None,
        },
    )


@pytest.fixture
def competitors(admin):
    """Companies: Competitors, symmetric."""
    return relation_type(
        admin,
        "competitors",
        {
            "source": "companies",
            "target": "companies",
            "source_label": {"en": "Competitors", "pl": "Konkurenci"},
            "symmetric": True,
            "max_targets": None,
            "source_form_section": None,
        },
    )


def company(owner, name, **kwargs):
    return RecordService().create(owner, "companies", {"name": name}, **kwargs)


def form_data(**changes):
    """What the relation type form posts for a new Headquarters — Branch type."""
    data = {
        "source": "companies",
        "target": "companies",
        "source_label": "Parent",
        "target_label": "Subsidiary",
        "max_targets": "",
        "max_sources": "1",
        "source_form_section": "",
        "target_form_section": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# -- Settings > Relations ------------------------------------------------------------------


def test_only_administrators_open_the_relation_settings(client, user, hq):
    client.force_login(user)
    for path in (url("index"), url("create"), url("edit", hq.pk), url("trash", hq.pk)):
        assert client.get(path).status_code == 403
    assert client.post(url("switch"), {"enabled": "off"}).status_code == 403
    assert client.post(url("trash", hq.pk)).status_code == 403
    assert RelationTypeService().enabled()
    assert RelationType.objects.get(pk=hq.pk).deleted_at is None


def test_the_list_shows_labels_entity_types_limits_and_counts(client, admin, hq, competitors):
    # given two related companies
    a, b = company(admin, "Acme SA"), company(admin, "Acme Kraków")
    RelationService().add(admin, "companies", a.pk, hq.pk, b.pk, side="source")
    client.force_login(admin)
    # when
    response = client.get(url("index"))
    # then
    assert response.status_code == 200
    row = re.search(rf'data-relation-type="{hq.pk}".*?</tr>', response.content.decode(), re.S)
    assert row is not None
    html = row.group(0)
    assert "Headquarters — Branch" in html
    assert "Companies → Companies" in html
    assert "∞ / 1" in html
    assert "<td>1</td>" in html
    assert "Competitors" in response.content.decode()
    assert "Switch relations off" in response.content.decode()


def test_the_settings_index_and_menu_offer_relations(client, admin):
    client.force_login(admin)
    assert url("index") in client.get(reverse("tessera_settings:index")).content.decode()


def test_create_a_relation_type_through_the_form(client, admin):
    client.force_login(admin)
    response = client.post(url("create"), form_data(target_form_section="companies:1"))
    assert response.status_code == 302, response.context["form"].errors
    row = RelationType.objects.get(source_label="Parent")
    assert row.target_label == "Subsidiary" and row.max_sources == 1 and row.max_targets is None
    first = (
        LayoutSection.objects.filter(layout__entity_type__slug="companies")
        .order_by("sort_order", "id")
        .first()
    )
    assert row.target_form_section_id == first.pk and row.source_form_section_id is None


def test_a_symmetric_type_between_two_entity_types_is_refused_inline(client, admin):
    client.force_login(admin)
    response = client.post(url("create"), form_data(target="persons", symmetric="on"))
    assert response.status_code == 200
    assert "symmetric" in response.context["form"].errors
    assert not RelationType.objects.filter(source_label="Parent").exists()


def test_a_section_of_another_entity_type_is_refused(client, admin):
    client.force_login(admin)
    response = client.post(url("create"), form_data(source_form_section="persons:1"))
    assert response.status_code == 200
    assert "source_form_section" in response.context["form"].errors


def test_edit_shows_the_service_refusal_next_to_its_field(client, admin, hq):
    # given a headquarters with two branches
    main = company(admin, "Main")
    for name in ("North", "South"):
        RelationService().add(
            admin, "companies", main.pk, hq.pk, company(admin, name).pk, side="source"
        )
    client.force_login(admin)
    page = client.get(url("edit", hq.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["source_label"] == "Headquarters"
    # when the limit goes below what records already have
    response = client.post(
        url("edit", hq.pk),
        form_data(source_label="Headquarters", target_label="Branch", max_targets="1"),
    )
    # then nothing is saved and the error is next to the limit
    assert response.status_code == 200
    assert "max_targets" in response.context["form"].errors
    assert RelationType.objects.get(pk=hq.pk).max_targets is None


def test_edit_keeps_the_other_languages_of_a_label(client, admin, hq):
    client.force_login(admin)
    response = client.post(
        url("edit", hq.pk),
        form_data(source_label="Head office", target_label="Branch", max_sources="1"),
    )
    assert response.status_code == 302, response.context["form"].errors
    row = RelationType.objects.get(pk=hq.pk)
    assert row.source_label == {"en": "Head office", "pl": "Centrala"}
    assert row.target_label == {"en": "Branch", "pl": "Oddział"}


def test_trash_says_how_many_relations_and_keeps_them_then_restore(client, admin, hq):
    a, b = company(admin, "A"), company(admin, "B")
    RelationService().add(admin, "companies", a.pk, hq.pk, b.pk, side="source")
    client.force_login(admin)
    confirm = client.get(url("trash", hq.pk)).content.decode()
    assert "It has 1 relation." in confirm
    response = client.post(url("trash", hq.pk))
    assert response.status_code == 302
    assert RelationType.objects.get(pk=hq.pk).deleted_at is not None
    assert Relation.objects.filter(relation_type=hq).count() == 1
    index = client.get(url("index")).content.decode()
    assert f'data-trashed-relation-type="{hq.pk}"' in index
    assert client.get(url("edit", hq.pk)).status_code == 404
    assert client.post(url("restore", hq.pk)).status_code == 302
    assert RelationType.objects.get(pk=hq.pk).deleted_at is None


def test_the_switch_turns_relations_off_and_on(client, admin):
    client.force_login(admin)
    assert client.post(url("switch"), {"enabled": "off"}).status_code == 302
    assert not RelationTypeService().enabled()
    assert "Switch relations on" in client.get(url("index")).content.decode()
    client.post(url("switch"), {"enabled": "on"})
    assert RelationTypeService().enabled()


def test_unknown_relation_types_are_404_never_500(client, admin):
    client.force_login(admin)
    assert client.get(url("edit", 999999)).status_code == 404
    assert client.post(url("trash", 999999)).status_code == 404
    assert client.post(url("restore", 999999)).status_code == 404
