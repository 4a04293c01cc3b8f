"""History shows a link to a record the viewer may not see as nothing: a null value,
no text, no id, and the change's key in the row's `restricted_fields`.

A public deal links to a company hidden from Piotr (tests/fixtures/links.py).
"""

from rest_framework.test import APIClient

from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.relations.models import RelationType
from modules.relations.services import RelationService
from modules.relations.type_service import RelationTypeService


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def company_change(row: dict, field_id: int) -> dict:
    return next(c for c in row["changes"] if c["key"] == str(field_id))


def test_history_withholds_a_link_to_a_hidden_record(piotr, admin, deal, hidden_company):
    # given the deal's creation recorded the company
    field_id = get_snapshot().entity("deals").field("company").id
    url = f"/api/v1/deals/{deal.pk}/history/"
    # when
    his = client_for(piotr).get(url).json()["results"][0]
    theirs = client_for(admin).get(url).json()["results"][0]
    # then
    assert company_change(his, field_id)["after"] is None
    assert company_change(his, field_id)["after_text"] == "—"
    assert his["restricted_fields"] == [str(field_id)]
    assert f"#{hidden_company.pk}" not in str(his)
    assert company_change(theirs, field_id)["after"] == hidden_company.pk
    assert company_change(theirs, field_id)["after_text"] == "Hidden Co"
    assert theirs["restricted_fields"] == []


def test_the_change_log_withholds_a_link_to_a_record_in_the_trash(admin, deal, hidden_company):
    # given the linked company went to the trash
    RecordService().delete(admin, "companies", hidden_company.pk)
    field_id = get_snapshot().entity("deals").field("company").id
    # when
    rows = client_for(admin).get("/api/v1/history/?entity=deals").json()["results"]
    # then
    created = next(r for r in rows if r["operation"] == "create")
    assert company_change(created, field_id)["after"] is None
    assert created["restricted_fields"] == [str(field_id)]


def test_a_relation_of_a_trashed_relation_type_shows_no_ids(piotr, admin, hidden_company):
    # given piotr's own company was related to the hidden one, then the type went to the trash
    hq_type = RelationType.objects.get(key="headquarters_branch")
    own = RecordService().create(piotr, "companies", {"name": "Piotr Branch"})
    RelationService().add(None, "companies", hidden_company.pk, hq_type.pk, own.pk, side="source")
    RelationTypeService().delete(admin, hq_type.pk)
    # when
    rows = client_for(piotr).get(f"/api/v1/companies/{own.pk}/history/").json()["results"]
    # then the relation's change is there, its far end unknown to the viewer
    changes = [c for row in rows for c in row["changes"] if c["key"].startswith("relation.")]
    assert changes, rows
    assert {(c["before"], c["after"]) for c in changes} == {(None, None)}
    assert str(hidden_company.pk) not in str(changes)
