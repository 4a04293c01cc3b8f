"""Relations between records: labels of both sides, symmetric types, limits, the trash,
the list filter and the access rules, through the services and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from modules.access.services import AccessService
from modules.core.exceptions import PermissionDenied
from modules.records.exceptions import RecordConflict
from modules.records.services import RecordService
from modules.relations.exceptions import RelationInvalid, RelationNotFound
from modules.relations.models import Relation, RelationType
from modules.relations.services import RelationService
from modules.relations.type_service import RelationTypeService

records, relations = RecordService(), RelationService()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def company(user, name, **extra):
    return records.create(user, "companies", {"name": name}, **extra)


def hq_type():
    return RelationType.objects.get(key="headquarters_branch")


def shown(user, slug, record):
    """What a record's relations panel lists: (label, other title) pairs."""
    return sorted((x.label, str(x.other)) for x in relations.of(user, slug, [record.pk])[record.pk])


def test_each_side_sees_the_other_under_its_label(admin):
    # given a headquarters and its branch
    hq, branch = company(admin, "Acme SA"), company(admin, "Acme Kraków")
    # when the headquarters is related to the branch, as its source
    relations.add(admin, "companies", hq.pk, hq_type().pk, branch.pk, side="source")
    # then each profile names the other by what it is to this one
    assert shown(admin, "companies", hq) == [("Branch", "Acme Kraków")]
    assert shown(admin, "companies", branch) == [("Headquarters", "Acme SA")]
    # and the same link added from the branch's end is refused as a duplicate
    with pytest.raises(RelationInvalid, match="already related"):
        relations.add(admin, "companies", branch.pk, hq_type().pk, hq.pk, side="target")


def test_a_type_linking_one_entity_type_needs_the_side(admin):
    hq, branch = company(admin, "North"), company(admin, "South")
    with pytest.raises(RelationInvalid) as error:
        relations.add(admin, "companies", hq.pk, hq_type().pk, branch.pk)
    assert "side" in error.value.errors


def test_symmetric_relations_read_the_same_from_both_ends(admin):
    competitors = RelationType.objects.get(key="competitors")
    a, b, c = company(admin, "Alpha"), company(admin, "Beta"), company(admin, "Gamma")
    relations.add(admin, "companies", b.pk, competitors.pk, a.pk)
    relations.add(admin, "companies", a.pk, competitors.pk, c.pk)
    assert shown(admin, "companies", a) == [("Competitors", "Beta"), ("Competitors", "Gamma")]
    assert shown(admin, "companies", b) == [("Competitors", "Alpha")]
    # one row per pair, stored lower id first: the reverse is the same relation
    with pytest.raises(RelationInvalid, match="already related"):
        relations.add(admin, "companies", a.pk, competitors.pk, b.pk)
    assert Relation.objects.filter(relation_type=competitors).count() == 2


def test_a_record_is_not_related_to_itself(admin):
    a = company(admin, "Solo")
    with pytest.raises(RelationInvalid, match="itself"):
        relations.add(admin, "companies", a.pk, RelationType.objects.get(key="partners").pk, a.pk)


def test_a_branch_has_one_headquarters(admin):
    first, second, branch = company(admin, "HQ 1"), company(admin, "HQ 2"), company(admin, "B")
    relations.add(admin, "companies", branch.pk, hq_type().pk, first.pk, side="target")
    with pytest.raises(RelationInvalid, match="as many Headquarters relations as allowed"):
        relations.add(admin, "companies", second.pk, hq_type().pk, branch.pk, side="source")
    # a headquarters has no limit on branches
    other_branch = company(admin, "B2")
    relations.add(admin, "companies", first.pk, hq_type().pk, other_branch.pk, side="source")
    assert len(shown(admin, "companies", first)) == 2


def test_the_trash_hides_relations_and_a_restore_brings_them_back(admin):
    hq, branch = company(admin, "Trash HQ"), company(admin, "Trash branch")
    relations.add(admin, "companies", hq.pk, hq_type().pk, branch.pk, side="source")
    records.delete(admin, "companies", hq.pk)
    assert shown(admin, "companies", branch) == []
    records.restore(admin, "companies", hq.pk)
    assert shown(admin, "companies", branch) == [("Headquarters", "Trash HQ")]


def test_a_restore_that_would_break_a_limit_is_refused(admin):
    old_hq, new_hq, branch = (
        company(admin, "Old HQ"),
        company(admin, "New HQ"),
        company(admin, "Br"),
    )
    relations.add(admin, "companies", old_hq.pk, hq_type().pk, branch.pk, side="source")
    records.delete(admin, "companies", old_hq.pk)
    # the branch may get a new headquarters while the old one is in the trash
    relations.add(admin, "companies", new_hq.pk, hq_type().pk, branch.pk, side="source")
    with pytest.raises(RecordConflict, match="Br already has"):
        records.restore(admin, "companies", old_hq.pk)
    # nothing changed: the old headquarters is still in the trash
    assert records.get(admin, "companies", old_hq.pk, trashed=True).deleted_at is not None


def test_replace_sets_one_side_and_leaves_the_rest(admin):
    spaces_client = RelationType.objects.get(key="project_client")
    project = records.create(admin, "spaces", {"name": "Rollout"})
    a, b, c = company(admin, "Client A"), company(admin, "Client B"), company(admin, "Client C")
    key = f"{spaces_client.pk}.source"
    relations.replace(admin, "spaces", project.pk, key, [a.pk, b.pk])
    relations.replace(admin, "spaces", project.pk, key, [b.pk, c.pk])
    assert shown(admin, "spaces", project) == [("Client", "Client B"), ("Client", "Client C")]
    assert shown(admin, "companies", a) == []


def test_records_of_two_types_may_be_related_when_their_ids_are_equal(db):
    # given a space and a company with the same id (each type numbers its own rows; on a
    # new database the first of each is 1)
    spaces_client = RelationType.objects.get(key="project_client")
    # when
    Relation.objects.create(relation_type=spaces_client, source_id=7, target_id=7)
    # then the link is stored, not refused as a record related to itself
    assert Relation.objects.filter(relation_type=spaces_client, source_id=7, target_id=7).exists()


@pytest.fixture
def outsider_world(make_user, admin):
    """Alice (a plain user) and a company hidden from her, related to one she sees."""
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    alice, owner = make_user("alice_r"), make_user("bob_r")
    seen = company(owner, "Seen Co")
    secret = company(admin, "Secret Co", owner=owner, visibility="hidden")
    partners = RelationType.objects.get(key="partners")
    relations.add(None, "companies", seen.pk, partners.pk, secret.pk)
    return {"alice": alice, "owner": owner, "seen": seen, "secret": secret, "partners": partners}


def test_a_relation_to_a_hidden_record_is_not_shown_not_even_counted(outsider_world):
    w = outsider_world
    # the owner sees both ends
    assert shown(w["owner"], "companies", w["seen"]) == [("Partners", "Secret Co")]
    # alice sees the company but not its relation to the hidden one
    assert shown(w["alice"], "companies", w["seen"]) == []
    response = client_for(w["alice"]).get(f"/api/v1/companies/{w['seen'].pk}/relations/")
    assert response.status_code == 200
    assert response.json() == {"results": []}
    # nor can she filter by it: the hidden record has no related records for her
    listed = client_for(w["alice"]).get(
        f"/api/v1/companies/?relation={w['partners'].pk}&related_to={w['secret'].pk}"
    )
    assert listed.status_code == 200 and listed.json()["results"] == []


def test_relating_to_a_record_the_user_may_not_see_is_refused_like_a_missing_id(outsider_world):
    w = outsider_world
    other = company(w["alice"], "Alice Co")
    client = client_for(w["alice"])
    hidden = client.post(
        f"/api/v1/companies/{other.pk}/relations/",
        {"relation_type": w["partners"].pk, "other_id": w["secret"].pk},
        format="json",
    )
    missing = client.post(
        f"/api/v1/companies/{other.pk}/relations/",
        {"relation_type": w["partners"].pk, "other_id": 987654321},
        format="json",
    )
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["errors"]["other_id"] == [f"No record has the id {w['secret'].pk}."]
    assert missing.json()["errors"]["other_id"] == ["No record has the id 987654321."]
    # and removing the relation she cannot see answers as for a missing one
    relation = Relation.objects.get(source_id__in=[w["seen"].pk, w["secret"].pk])
    with pytest.raises(RelationNotFound):
        relations.remove(w["owner"], "companies", w["seen"].pk, relation.pk + 10**6)
    AccessService().update_permissions(None, "companies", system={"user": ["view", "add", "edit"]})
    with pytest.raises(RelationNotFound):
        relations.remove(w["alice"], "companies", w["seen"].pk, relation.pk)


def test_changing_relations_needs_the_right_to_edit_the_record(make_user, admin):
    AccessService().update_permissions(admin, "companies", system={"user": ["view", "add"]})
    alice, bob = make_user("alice_e"), make_user("bob_e")
    bobs, alices = company(bob, "Bob's"), company(alice, "Alice's")
    partners = RelationType.objects.get(key="partners")
    with pytest.raises(PermissionDenied):
        relations.add(alice, "companies", bobs.pk, partners.pk, alices.pk)
    # on her own record (owner role) she may
    relations.add(alice, "companies", alices.pk, partners.pk, bobs.pk)


def test_the_api_lists_adds_and_removes(admin):
    client = client_for(admin)
    hq, branch = company(admin, "API HQ"), company(admin, "API Branch")
    added = client.post(
        f"/api/v1/companies/{branch.pk}/relations/",
        {"relation_type": hq_type().pk, "other_id": hq.pk, "side": "target"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    body = added.json()
    assert body["label"] == "Headquarters" and body["side"] == "target"
    assert body["other"] == {
        "entity": "companies",
        "id": hq.pk,
        "title": "API HQ",
        "restricted": False,
    }
    from_hq = client.get(f"/api/v1/companies/{hq.pk}/relations/").json()["results"]
    assert [(r["label"], r["other"]["id"], r["side"]) for r in from_hq] == [
        ("Branch", branch.pk, "source")
    ]
    # the list filter: branches of the headquarters, and the headquarters of the branch
    branches = client.get(f"/api/v1/companies/?relation={hq_type().pk}.target&related_to={hq.pk}")
    assert [r["id"] for r in branches.json()["results"]] == [branch.pk]
    heads = client.get(f"/api/v1/companies/?relation={hq_type().pk}.source&related_to={branch.pk}")
    assert [r["id"] for r in heads.json()["results"]] == [hq.pk]
    bad = client.get(f"/api/v1/companies/?relation={hq_type().pk}")
    assert bad.status_code == 400 and "related_to" in bad.json()["errors"]
    removed = client.delete(f"/api/v1/companies/{hq.pk}/relations/{body['id']}/")
    assert removed.status_code == 204
    assert client.get(f"/api/v1/companies/{branch.pk}/relations/").json()["results"] == []


def test_a_relations_list_costs_the_same_queries_for_one_or_many(admin):
    partners = RelationType.objects.get(key="partners")
    clients = RelationType.objects.get(key="project_client")
    few, many = company(admin, "Few"), company(admin, "Many")

    def relate(record, partner_count, project_count):
        for i in range(partner_count):
            other = company(admin, f"{record.name} partner {i}")
            relations.add(admin, "companies", record.pk, partners.pk, other.pk)
        for i in range(project_count):
            project = records.create(admin, "spaces", {"name": f"{record.name} project {i}"})
            relations.add(admin, "spaces", project.pk, clients.pk, record.pk, side="source")

    relate(few, 1, 1)
    relate(many, 6, 4)
    client = client_for(admin)

    def count(record):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/companies/{record.pk}/relations/")
        assert response.status_code == 200
        return len(response.json()["results"]), len(queries)

    # one query for the relation rows, one per entity type at the other ends
    assert count(few)[0] == 2 and count(many)[0] == 10
    assert count(few)[1] == count(many)[1]


def test_relations_switched_off_are_gone_everywhere(admin):
    a, b = company(admin, "Off A"), company(admin, "Off B")
    client = client_for(admin)
    assert client.put(
        "/api/v1/meta/relation-settings/", {"enabled": False}, format="json"
    ).json() == {"enabled": False}
    response = client.get(f"/api/v1/companies/{a.pk}/relations/")
    assert response.status_code == 409 and response.json()["code"] == "relations_off"
    with pytest.raises(Exception, match="switched off"):
        relations.add(admin, "companies", a.pk, hq_type().pk, b.pk, side="source")
    client.put("/api/v1/meta/relation-settings/", {"enabled": True}, format="json")
    assert client.get(f"/api/v1/companies/{a.pk}/relations/").status_code == 200


def test_relation_types_through_the_api(admin, user):
    client = client_for(admin)
    created = client.post(
        "/api/v1/meta/relation-types/",
        {
            "source": "deals",
            "target": "persons",
            "source_label": {"en": "Deal", "pl": "Szansa"},
            "target_label": {"en": "Decision maker", "pl": "Decydent"},
            "max_targets": 3,
            "source_form_section": 1,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["source_form_section"] == 1 and body["max_targets"] == 3
    # everyone reads, only administrators write
    assert client_for(user).get("/api/v1/meta/relation-types/").status_code == 200
    refused = client_for(user).patch(
        f"/api/v1/meta/relation-types/{body['id']}/", {"max_targets": 1}, format="json"
    )
    assert refused.status_code == 403
    changed = client.patch(
        f"/api/v1/meta/relation-types/{body['id']}/", {"max_targets": None}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["max_targets"] is None
    # trash and restore
    assert client.delete(f"/api/v1/meta/relation-types/{body['id']}/").status_code == 204
    listed = client.get("/api/v1/meta/relation-types/").json()
    assert body["id"] not in [t["id"] for t in listed]
    trashed = client.get("/api/v1/meta/relation-types/?trashed=true").json()
    assert [t["id"] for t in trashed] == [body["id"]]
    assert client.post(f"/api/v1/meta/relation-types/{body['id']}/restore/").status_code == 200


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (
            {"source": "nope", "target": "persons", "source_label": "A", "target_label": "B"},
            "source",
        ),
        ({"source": "companies", "target": "persons", "source_label": "A"}, "target_label"),
        (
            {"source": "companies", "target": "persons", "source_label": "A", "symmetric": True},
            "symmetric",
        ),
        (
            {"source": "companies", "target": "persons", "source_label": "", "target_label": "B"},
            "source_label",
        ),
        (
            {
                "source": "companies",
                "target": "persons",
                "source_label": "A",
                "target_label": "B",
                "target_form_section": 99,
            },
            "target_form_section",
        ),
        (
            {
                "source": "companies",
                "target": "persons",
                "source_label": "A",
                "target_label": "B",
                "max_sources": 0,
            },
            "max_sources",
        ),
    ],
)
def test_invalid_relation_types_are_refused_and_nothing_is_saved(admin, data, key):
    before = RelationType.objects.count()
    response = client_for(admin).post("/api/v1/meta/relation-types/", data, format="json")
    assert response.status_code == 400, response.json()
    assert key in response.json()["errors"]
    assert RelationType.objects.count() == before


def test_a_limit_below_what_records_have_is_refused(admin):
    partners = RelationType.objects.get(key="partners")
    hub = company(admin, "Hub 2")
    for name in ("X", "Y"):
        relations.add(admin, "companies", hub.pk, partners.pk, company(admin, name).pk)
    with pytest.raises(Exception) as error:
        RelationTypeService().update(admin, partners.pk, {"max_targets": 1})
    assert "max_targets" in error.value.errors
    assert RelationType.objects.get(pk=partners.pk).max_targets is None
    # the entity types of a type in use cannot change either
    with pytest.raises(Exception) as error:
        RelationTypeService().update(admin, partners.pk, {"target": "persons"})
    assert "target" in error.value.errors


def test_listing_relation_types_costs_the_same_queries_for_few_or_many(admin):
    client = client_for(admin)

    def count():
        # The first request after a schema change builds the new snapshot: not measured.
        client.get("/api/v1/meta/relation-types/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/meta/relation-types/")
        assert response.status_code == 200
        return len(response.json()), len(queries)

    few = count()
    for i in range(3):
        RelationTypeService().create(
            admin,
            {
                "source": "deals",
                "target": "persons",
                "source_label": f"Deal {i}",
                "target_label": f"Person {i}",
                "source_form_section": 1,
            },
        )
    many = count()
    assert many[0] == few[0] + 3
    assert many[1] == few[1]


def test_a_refused_restore_does_not_name_a_record_the_user_may_not_see(make_user, admin):
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    AccessService().update_permissions(
        admin, "companies", system={"user": ["view", "add", "edit", "delete"]}
    )
    alice, bob = make_user("alice_t"), make_user("bob_t")
    old_hq, branch = company(alice, "Alice HQ"), company(bob, "Bob's Secret Branch")
    relations.add(None, "companies", old_hq.pk, hq_type().pk, branch.pk, side="source")
    records.delete(alice, "companies", old_hq.pk)
    relations.add(
        None, "companies", company(bob, "Bob HQ").pk, hq_type().pk, branch.pk, side="source"
    )
    records.update(bob, "companies", branch.pk, {}, visibility="hidden")
    with pytest.raises(RecordConflict) as refused:
        records.restore(alice, "companies", old_hq.pk)
    assert "Secret" not in refused.value.detail
    assert "A related record already has as many Headquarters" in refused.value.detail
    # the owner of the branch is told which record it is
    with pytest.raises(RecordConflict, match="Bob's Secret Branch already has"):
        records.restore(bob, "companies", old_hq.pk)


def limit_refusal(user, record_id, other_id, side):
    with pytest.raises(RelationInvalid) as refused:
        relations.add(user, "companies", record_id, hq_type().pk, other_id, side=side)
    return refused.value.as_dict()


@pytest.mark.parametrize("held_by", ["hidden", "non_public", "public"])
def test_a_full_limit_reads_alike_whoever_fills_it(make_user, admin, held_by):
    # given piotr's branch and a branch of marek's, each already under an HQ of marek's,
    # hidden, masked or public to piotr
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    AccessService().update_permissions(admin, "companies", system={"user": ["view", "add", "edit"]})
    piotr, marek = make_user("piotr_l"), make_user("marek_l")
    own_branch, own_hq = company(piotr, "Piotr Branch"), company(piotr, "Piotr HQ")
    other_branch = company(marek, "Marek Branch")
    secret_hq = company(None, "Secret HQ", owner=marek, visibility=held_by)
    for branch in (own_branch, other_branch):
        relations.add(None, "companies", secret_hq.pk, hq_type().pk, branch.pk, side="source")
    # when piotr gives either branch a second headquarters
    own_side = limit_refusal(piotr, own_branch.pk, own_hq.pk, "target")
    far_side = limit_refusal(piotr, own_hq.pk, other_branch.pk, "source")
    # then each says which end is full, naming and counting nothing
    assert own_side["detail"] == (
        "This record already has as many Headquarters relations as allowed."
    )
    assert far_side["detail"] == (
        "The other record already has as many Headquarters relations as allowed."
    )
    for refusal in (own_side, far_side):
        assert "Secret" not in str(refusal) and str(secret_hq.pk) not in str(refusal)


def test_a_refused_restore_does_not_count_the_records_the_user_may_not_open(make_user, admin):
    # given alice's trashed HQ had two branches of bob's, now hidden and under another HQ
    AccessService().update_visibility(
        admin, "companies", allowed=["public", "non_public", "hidden"], default="public"
    )
    AccessService().update_permissions(
        admin, "companies", system={"user": ["view", "add", "edit", "delete"]}
    )
    alice, bob = make_user("alice_c"), make_user("bob_c")
    old_hq, new_hq = company(alice, "Alice Old HQ"), company(bob, "Bob New HQ")
    branches = [company(bob, "Bob Branch 1"), company(bob, "Bob Branch 2")]
    for branch in branches:
        relations.add(None, "companies", old_hq.pk, hq_type().pk, branch.pk, side="source")
    records.delete(alice, "companies", old_hq.pk)
    for branch in branches:
        relations.add(None, "companies", new_hq.pk, hq_type().pk, branch.pk, side="source")
        records.update(bob, "companies", branch.pk, {}, visibility="hidden")
    # when
    with pytest.raises(RecordConflict) as refused:
        records.restore(alice, "companies", old_hq.pk)
    # then one sentence stands for both
    assert refused.value.detail.count("already has as many") == 1
    assert "Bob Branch" not in refused.value.detail
