"""Links to records the caller may not see, in the record JSON: null, named in
`restricted_fields`, kept on write, never a filter or a sort key.

A public deal links to a company hidden from Piotr (tests/fixtures/links.py).
"""

import pytest
from rest_framework.test import APIClient

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = pytest.mark.smoke


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stored_company(deal) -> int | None:
    return get_model("deals").objects.get(pk=deal.pk).company_id


def test_a_link_to_a_hidden_record_is_null_and_named_in_the_detail(piotr, admin, deal):
    # given a public deal linked to a company hidden from piotr
    # when
    his = client_for(piotr).get(f"/api/v1/deals/{deal.pk}/").json()
    theirs = client_for(admin).get(f"/api/v1/deals/{deal.pk}/").json()
    # then
    assert his["company"] is None
    assert his["restricted_fields"] == ["company"]
    assert theirs["company"] == deal.company_id
    assert theirs["restricted_fields"] == []


def test_a_link_to_a_hidden_record_is_null_in_the_list(piotr, admin, deal):
    # when
    his = client_for(piotr).get("/api/v1/deals/").json()["results"]
    theirs = client_for(admin).get("/api/v1/deals/").json()["results"]
    # then
    assert [(r["id"], r["company"], r["restricted_fields"]) for r in his] == [
        (deal.pk, None, ["company"])
    ]
    assert [(r["id"], r["company"], r["restricted_fields"]) for r in theirs] == [
        (deal.pk, deal.company_id, [])
    ]


def test_a_listable_non_public_target_shows_its_id(piotr, admin):
    # given a company piotr may list (basic fields only) but not open
    quiet = RecordService().create(admin, "companies", {"name": "Quiet"}, visibility="non_public")
    deal = RecordService().create(admin, "deals", {"name": "D", "company": quiet.pk})
    # when
    his = client_for(piotr).get(f"/api/v1/deals/{deal.pk}/").json()
    # then
    assert his["company"] == quiet.pk
    assert his["restricted_fields"] == []


def test_a_link_to_a_record_in_the_trash_is_withheld_from_everyone(admin):
    # given
    gone = RecordService().create(admin, "companies", {"name": "Gone"})
    deal = RecordService().create(admin, "deals", {"name": "D", "company": gone.pk})
    RecordService().delete(admin, "companies", gone.pk)
    # when
    shown = client_for(admin).get(f"/api/v1/deals/{deal.pk}/").json()
    # then
    assert shown["company"] is None
    assert shown["restricted_fields"] == ["company"]


def test_restricted_fields_is_documented_in_the_openapi_document(admin_client):
    # when
    document = admin_client.get("/api/v1/schema/?format=json").json()
    # then
    record = document["components"]["schemas"]["DealsRecord"]
    assert record["properties"]["restricted_fields"]["type"] == "array"
    assert record["properties"]["restricted_fields"]["readOnly"] is True


def test_a_write_response_withholds_the_hidden_link(piotr, deal):
    # when
    response = client_for(piotr).patch(
        f"/api/v1/deals/{deal.pk}/", {"name": "Bigger deal"}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["company"] is None
    assert response.json()["restricted_fields"] == ["company"]


def test_a_put_without_the_hidden_link_keeps_it(piotr, deal, hidden_company):
    # when piotr replaces the deal's values without the company, then with the null
    # he was shown for it
    url = f"/api/v1/deals/{deal.pk}/"
    first = client_for(piotr).put(url, {"name": "Renamed"}, format="json")
    second = client_for(piotr).put(url, {"name": "Again", "company": None}, format="json")
    # then
    assert first.status_code == 200, first.content
    assert second.status_code == 200, second.content
    assert stored_company(deal) == hidden_company.pk


def test_a_patch_with_null_keeps_the_hidden_link(piotr, deal, hidden_company):
    # when
    response = client_for(piotr).patch(
        f"/api/v1/deals/{deal.pk}/", {"company": None}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert stored_company(deal) == hidden_company.pk


def test_an_explicit_visible_record_replaces_the_hidden_link(piotr, admin, deal):
    # given a company piotr sees
    acme = RecordService().create(admin, "companies", {"name": "Acme"})
    # when
    response = client_for(piotr).patch(
        f"/api/v1/deals/{deal.pk}/", {"company": acme.pk}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["company"] == acme.pk
    assert stored_company(deal) == acme.pk


def test_a_hidden_record_cannot_be_linked_by_its_id(piotr, admin, hidden_company):
    # given a deal of piotr's
    mine = RecordService().create(piotr, "deals", {"name": "Mine"})
    # when
    response = client_for(piotr).patch(
        f"/api/v1/deals/{mine.pk}/", {"company": hidden_company.pk}, format="json"
    )
    # then
    assert response.status_code == 400
    assert stored_company(mine) is None


def test_an_admin_may_clear_a_link_they_see(admin, deal):
    # when
    response = client_for(admin).patch(
        f"/api/v1/deals/{deal.pk}/", {"company": None}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert stored_company(deal) is None


def test_filtering_or_sorting_by_a_withheld_link_is_refused(piotr, admin, deal, hidden_company):
    # given piotr's list holds a deal whose company is withheld from him
    queries = (f"company={hidden_company.pk}", "company__isnull=false", "ordering=-company")
    # when
    answers = {query: client_for(piotr).get(f"/api/v1/deals/?{query}") for query in queries}
    theirs = client_for(admin).get(f"/api/v1/deals/?company={hidden_company.pk}")
    # then
    for query, response in answers.items():
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"
        assert "link to records you may not see" in str(response.json()["errors"])
    assert [row["id"] for row in theirs.json()["results"]] == [deal.pk]


def test_a_link_to_a_trashed_record_does_not_block_sorting(admin):
    # given a deal linked to a company in the trash, which an administrator may see there
    gone = RecordService().create(admin, "companies", {"name": "Gone"})
    RecordService().create(admin, "deals", {"name": "D", "company": gone.pk})
    RecordService().delete(admin, "companies", gone.pk)
    # when
    response = client_for(admin).get("/api/v1/deals/?ordering=company")
    # then
    assert response.status_code == 200, response.content


def test_sending_back_the_withheld_id_reads_like_any_other_hidden_id(piotr, admin, deal):
    # given another company hidden from piotr; he may edit the public deal
    other = RecordService().create(admin, "companies", {"name": "Other"}, visibility="hidden")
    api = client_for(piotr)
    # when he guesses the stored link, then another hidden company
    right = api.patch(f"/api/v1/deals/{deal.pk}/", {"company": deal.company_id}, format="json")
    wrong = api.patch(f"/api/v1/deals/{deal.pk}/", {"company": other.pk}, format="json")
    # then a right guess is refused exactly like a wrong one
    assert (right.status_code, wrong.status_code) == (400, 400)
    assert right.json()["errors"] == {"company": [f"No record has the id {deal.company_id}."]}
    assert wrong.json()["errors"] == {"company": [f"No record has the id {other.pk}."]}


def test_the_history_of_a_record_seen_in_part_leaves_out_its_title(piotr, admin):
    # given a company piotr may list but not open
    quiet = RecordService().create(admin, "companies", {"name": "Quiet"}, visibility="non_public")
    # when he and the administrator read its history
    his = client_for(piotr).get(f"/api/v1/companies/{quiet.pk}/history/")
    theirs = client_for(admin).get(f"/api/v1/companies/{quiet.pk}/history/")
    # then the title written with the row (made of any field) is shown to the administrator only
    assert his.status_code == 200, his.content
    assert [r["record_title"] for r in his.json()["results"]] == [""]
    assert [r["record_title"] for r in theirs.json()["results"]] == ["Quiet"]
