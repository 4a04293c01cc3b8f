"""The admin screens of relations: Settings > Relations, the profile panel, form fields, lists."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.access.services import AccessService
from modules.metamodel.models import LayoutSection
from modules.metamodel.runtime import get_model
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


def company(user, name, **kwargs):
    return RecordService().create(user, "companies", {"name": name}, **kwargs)


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
    for key in ("source_label", "target_label"):
        # One input per shipped language: English first, then Polish.
        label = data.pop(key)
        texts = label if isinstance(label, dict) else {"en": label}
        data[f"{key}_0"], data[f"{key}_1"] = texts.get("en", ""), texts.get("pl", "")
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
    assert page.context["form"].initial["source_label"]["en"] == "Headquarters"
    # when the limit goes below what records already have
    response = client.post(
        url("edit", hq.pk),
        form_data(source_label="Headquarters", target_label="Branch", max_targets="1"),
    )
    # then nothing is saved and the error is next to the limit
    assert response.status_code == 200
    assert "max_targets" in response.context["form"].errors
    assert RelationType.objects.get(pk=hq.pk).max_targets is None


def test_edit_shows_and_saves_each_language_of_a_label(client, admin, hq):
    client.force_login(admin)
    page = client.get(url("edit", hq.pk)).content.decode()
    assert 'value="Centrala"' in page and 'value="Oddział"' in page
    response = client.post(
        url("edit", hq.pk),
        form_data(
            source_label={"en": "Head office", "pl": "Centrala"},
            target_label={"en": "Branch", "pl": "Oddział"},
            max_sources="1",
        ),
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


# -- The profile panel -------------------------------------------------------------------


def profile(slug, pk):
    return f"/records/{slug}/inspect/{pk}/"


def panel(html):
    found = re.search(r"<section[^>]*data-relations-panel.*?</section>", html, re.S)
    return found.group(0) if found else ""


def test_both_sides_show_the_relation_under_their_labels(client, admin, hq):
    # given Acme SA, headquarters of Acme Kraków
    main, branch = company(admin, "Acme SA"), company(admin, "Acme Kraków")
    RelationService().add(admin, "companies", main.pk, hq.pk, branch.pk, side="source")
    client.force_login(admin)
    # when / then: the headquarters lists it among its branches, with a link and a card
    html = panel(client.get(profile("companies", main.pk)).content.decode())
    group = re.search(rf'data-relation-side="{hq.pk}.source".*?</ul>', html, re.S).group(0)
    assert "Branch" in group and "Acme Kraków" in group
    assert f'href="{profile("companies", branch.pk)}"' in group
    assert "relation-card-" in group
    assert f"relation={hq.pk}.target&amp;related_to={main.pk}" in group
    # and the branch lists its headquarters
    html = panel(client.get(profile("companies", branch.pk)).content.decode())
    group = re.search(rf'data-relation-side="{hq.pk}.target".*?</ul>', html, re.S).group(0)
    assert "Headquarters" in group and "Acme SA" in group


def test_a_symmetric_relation_shows_on_both_records(client, admin, competitors):
    a, b = company(admin, "Alpha"), company(admin, "Beta")
    RelationService().add(admin, "companies", a.pk, competitors.pk, b.pk)
    client.force_login(admin)
    assert "Beta" in panel(client.get(profile("companies", a.pk)).content.decode())
    assert "Alpha" in panel(client.get(profile("companies", b.pk)).content.decode())


def test_a_relation_to_a_record_the_viewer_cannot_see_is_not_shown(client, admin, make_user, hq):
    # given a public company related to a hidden one that belongs to someone else
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "hidden"], default="public"
    )
    bob, carol = make_user("bob"), make_user("carol")
    shown = company(bob, "Open Co")
    secret = company(admin, "Secret Branch", owner=carol, visibility="hidden")
    RelationService().add(admin, "companies", shown.pk, hq.pk, secret.pk, side="source")
    # when bob opens the public company
    client.force_login(bob)
    page = client.get(profile("companies", shown.pk)).content.decode()
    # then the relation is not there, nor its title
    assert "Secret Branch" not in page
    assert panel(page) and "data-relation=" not in panel(page)


def test_the_card_shows_only_basic_fields_of_a_non_public_record(client, admin, make_user, hq):
    # given a company related to a non-public one of someone else (basic: name, city)
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public"], default="public"
    )
    bob, carol = make_user("bob"), make_user("carol")
    main = company(bob, "Open Co")
    other = RecordService().create(
        admin,
        "companies",
        {"name": "Closed Co", "city": "Gdynia", "email": "office@closed.example"},
        owner=carol,
        visibility="non_public",
    )
    RelationService().add(admin, "companies", main.pk, hq.pk, other.pk, side="source")
    # when bob opens his company, the card shows the basic fields only
    client.force_login(bob)
    html = panel(client.get(profile("companies", main.pk)).content.decode())
    assert "Closed Co" in html and "Gdynia" in html
    assert "office@closed.example" not in html
    # while the administrator's card shows the other list columns too
    client.force_login(admin)
    assert "office@closed.example" in panel(
        client.get(profile("companies", main.pk)).content.decode()
    )


def test_add_a_relation_from_the_profile(client, admin, hq):
    main, branch = company(admin, "Main"), company(admin, "Branch Co")
    client.force_login(admin)
    page = client.get(profile("companies", main.pk)).content.decode()
    assert 'name="side"' in page and f'name="other-{hq.pk}.source"' in page
    assert "/records/companies/lookup/" in page
    response = client.post(
        f"/records/companies/{main.pk}/relations/add/",
        {"side": f"{hq.pk}.source", f"other-{hq.pk}.source": str(branch.pk)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == profile("companies", main.pk)
    assert Relation.objects.filter(
        relation_type=hq, source_id=main.pk, target_id=branch.pk
    ).exists()
    assert "Branch Co added as Branch." in response.content.decode()


def test_a_refused_add_is_a_message_not_an_error_page(client, admin, hq):
    main = company(admin, "Main")
    client.force_login(admin)
    add = f"/records/companies/{main.pk}/relations/add/"
    for data in (
        {"side": f"{hq.pk}.source", f"other-{hq.pk}.source": str(main.pk)},
        {"side": f"{hq.pk}.source", f"other-{hq.pk}.source": "99999999"},
        {"side": "nonsense", "other-nonsense": "1"},
        {"side": f"{hq.pk}.source"},
    ):
        response = client.post(add, data, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Relation.objects.filter(relation_type=hq).exists()


def test_remove_a_relation_from_the_profile(client, admin, hq):
    main, branch = company(admin, "Main"), company(admin, "Branch Co")
    linked = RelationService().add(admin, "companies", main.pk, hq.pk, branch.pk, side="source")
    client.force_login(admin)
    remove = f"/records/companies/{branch.pk}/relations/{linked.id}/remove/"
    assert remove in client.get(profile("companies", branch.pk)).content.decode()
    assert client.get(remove).status_code == 405
    response = client.post(remove)
    assert response.status_code == 302
    assert not Relation.objects.filter(pk=linked.id).exists()


def test_users_who_may_not_edit_see_relations_but_cannot_change_them(client, admin, make_user, hq):
    # given a non-public company: others may not edit it
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public"], default="public"
    )
    main = company(admin, "Main")
    branch = company(admin, "Branch Co")
    linked = RelationService().add(admin, "companies", main.pk, hq.pk, branch.pk, side="source")
    bob = make_user("bob")
    RecordService().update(admin, "companies", branch.pk, {}, visibility="non_public")
    client.force_login(bob)
    html = panel(client.get(profile("companies", main.pk)).content.decode())
    assert "Branch Co" in html
    remove = f"/records/companies/{branch.pk}/relations/{linked.id}/remove/"
    assert client.post(remove).status_code == 403
    assert Relation.objects.filter(pk=linked.id).exists()


def test_no_panel_when_relations_are_off(client, admin, hq):
    main = company(admin, "Main")
    RelationTypeService().set_enabled(admin, False)
    client.force_login(admin)
    assert "data-relations-panel" not in client.get(profile("companies", main.pk)).content.decode()


def test_the_panel_costs_the_same_queries_for_one_or_five_relations(client, admin, hq):
    # (names nothing alike: the profile's duplicates panel reads more when it finds some)
    names = {5: "Amsterdam Holding", 1: "Zakopane Trading"}

    def queries_for(count):
        main = company(admin, names[count])
        for i in range(count):
            branch = company(admin, f"Branch {count}-{i}")
            RelationService().add(admin, "companies", main.pk, hq.pk, branch.pk, side="source")
        client.get(profile("companies", main.pk))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(profile("companies", main.pk)).status_code == 200
        return len(queries)

    client.force_login(admin)
    assert queries_for(5) == queries_for(1)


# -- The list filter ---------------------------------------------------------------------


def test_the_list_shows_the_records_related_to_one(client, admin, hq):
    main, north, south = company(admin, "Main"), company(admin, "North"), company(admin, "South")
    other = company(admin, "Unrelated")
    for branch in (north, south):
        RelationService().add(admin, "companies", main.pk, hq.pk, branch.pk, side="source")
    client.force_login(admin)
    response = client.get(
        "/records/companies/", {"relation": f"{hq.pk}.target", "related_to": main.pk}
    )
    assert response.status_code == 200
    assert {r.pk for r in response.context["object_list"]} == {north.pk, south.pk}
    assert other.pk not in {r.pk for r in response.context["object_list"]}
    assert "Related to Main as Branch." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"relation": "nonsense", "related_to": "1"},
        {"relation": "999999.target", "related_to": "1"},
        {"relation": "{hq}.target", "related_to": "x" * 40},
        {"relation": "{hq}.target", "related_to": "99999999"},
    ],
)
def test_a_bad_list_filter_is_a_message_never_a_500(client, admin, hq, params):
    client.force_login(admin)
    params = {k: v.format(hq=hq.pk) for k, v in params.items()}
    response = client.get("/records/companies/", params)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# -- Relation types shown in a form section ------------------------------------------------


@pytest.fixture
def hq_in_forms(admin, hq):
    """Headquarters — Branch shown in the first section of both sides' forms."""
    return RelationTypeService().update(
        admin, hq.pk, {"source_form_section": 1, "target_form_section": 1}
    )


def edit_data(record, **values):
    data = {"name": record.name, "version": str(record.version)}
    data.update(values)
    return data


def test_the_form_shows_each_side_in_its_section_with_the_current_relations(
    client, admin, hq_in_forms
):
    # given a branch with its headquarters
    main, branch = company(admin, "Main"), company(admin, "Branch Co")
    RelationService().add(admin, "companies", main.pk, hq_in_forms.pk, branch.pk, side="source")
    client.force_login(admin)
    # when the branch's edit form opens
    response = client.get(f"/records/companies/edit/{branch.pk}/")
    form = response.context["form"]
    # then its headquarters is a single picker holding Main, its branches a multiple one
    head, branches = f"relation-{hq_in_forms.pk}-target", f"relation-{hq_in_forms.pk}-source"
    assert form.fields[head].label == "Headquarters" and not form.fields[head].widget.multiple
    assert form.fields[branches].widget.multiple
    assert form.initial[head] == [main.pk] and form.initial[branches] == []
    html = response.content.decode()
    assert "Main" in html and f'name="{head}" value="{main.pk}"' in html


def test_the_form_field_round_trip(client, admin, hq_in_forms):
    main, other_main, branch = company(admin, "Main"), company(admin, "Other"), company(admin, "B")
    RelationService().add(admin, "companies", main.pk, hq_in_forms.pk, branch.pk, side="source")
    client.force_login(admin)
    head = f"relation-{hq_in_forms.pk}-target"
    # when the branch moves to another headquarters
    response = client.post(
        f"/records/companies/edit/{branch.pk}/", edit_data(branch, **{head: str(other_main.pk)})
    )
    # then
    assert response.status_code == 302, response.context["form"].errors
    rows = Relation.objects.filter(relation_type=hq_in_forms, target_id=branch.pk)
    assert list(rows.values_list("source_id", flat=True)) == [other_main.pk]
    # and a new company is created with a branch picked in its form
    branches = f"relation-{hq_in_forms.pk}-source"
    response = client.post("/records/companies/new/", {"name": "New HQ", branches: [str(main.pk)]})
    assert response.status_code == 302, response.context["form"].errors
    created = Relation.objects.get(relation_type=hq_in_forms, target_id=main.pk)
    assert get_model("companies").objects.get(pk=created.source_id).name == "New HQ"


def test_a_refused_relation_field_is_an_error_on_that_field_and_saves_nothing(
    client, admin, hq_in_forms
):
    main, branch = company(admin, "Main"), company(admin, "Branch")
    client.force_login(admin)
    branches = f"relation-{hq_in_forms.pk}-source"
    # when the headquarters names itself as its branch, and renames itself
    response = client.post(
        f"/records/companies/edit/{main.pk}/",
        edit_data(main, name="Renamed", **{branches: [str(branch.pk), str(main.pk)]}),
    )
    # then the field has the error, and neither the name nor any relation was saved
    assert response.status_code == 200
    assert branches in response.context["form"].errors
    assert get_model("companies").objects.get(pk=main.pk).name == "Main"
    assert not Relation.objects.filter(relation_type=hq_in_forms).exists()
    # and a record already at its limit is refused the same way
    other = company(admin, "Other HQ")
    RelationService().add(admin, "companies", other.pk, hq_in_forms.pk, branch.pk, side="source")
    response = client.post(
        f"/records/companies/edit/{main.pk}/", edit_data(main, **{branches: [str(branch.pk)]})
    )
    assert "as many Headquarters relations as allowed" in str(response.context["form"].errors)


def test_no_relation_fields_when_relations_are_off(client, admin, hq_in_forms):
    RelationTypeService().set_enabled(admin, False)
    client.force_login(admin)
    form = client.get("/records/companies/new/").context["form"]
    assert not [name for name in form.fields if name.startswith("relation-")]


def test_only_groups_with_relations_show_and_like_labels_name_their_type(client, admin):
    clients = RelationType.objects.get(key="project_client")
    subcontractors = RelationType.objects.get(key="project_subcontractor")
    acme = company(admin, "Acme Projects")
    client.force_login(admin)
    html = panel(client.get(profile("companies", acme.pk)).content.decode())
    assert "No relations yet." in html and "data-relation-side=" not in html
    # given a project whose client is Acme and one whose subcontractor it is
    for name, kind in (("Rollout", clients), ("Audit", subcontractors)):
        space = RecordService().create(admin, "spaces", {"name": name})
        RelationService().add(admin, "spaces", space.pk, kind.pk, acme.pk, side="source")
    html = panel(client.get(profile("companies", acme.pk)).content.decode())
    # then both groups are "Project" to Acme: each heading names its type
    assert "Project (Project — Client)" in html
    assert "Project (Project — Subcontractor)" in html
    assert "No relations yet." not in html
