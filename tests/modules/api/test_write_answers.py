"""Every write answers what `GET /{slug}/{id}/` would answer the caller right after it."""

from rest_framework.test import APIClient

from modules.access.services import AccessService
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.relations.models import RelationType

SECRET = {"street": "Secret 1", "employees": 4321}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def quiet_company(owner):
    """A non-public company: others may list its name and city, nothing more."""
    return RecordService().create(
        None,
        "companies",
        {"name": "Quiet Ltd", "city": "Łódź", **SECRET},
        visibility="non_public",
        owner=owner,
    )


def restricted_shape(record) -> dict:
    return {
        "id": record.pk,
        "name": "Quiet Ltd",
        "city": "Łódź",
        "visibility": "non_public",
        "restricted": True,
        "restricted_fields": [],
    }


def test_an_empty_patch_of_a_record_the_caller_may_only_list_shows_its_basic_fields(make_user):
    # given
    owner, other = make_user("owner"), make_user("other")
    record = quiet_company(owner)
    # when
    response = client_for(other).patch(f"/api/v1/companies/{record.pk}/", {}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert response.json() == restricted_shape(record)
    assert "Secret 1" not in response.content.decode()


def test_a_patch_naming_the_version_or_owner_of_a_listed_record_tells_nothing(make_user):
    # given a non-public record the caller may only list
    owner, other = make_user("owner"), make_user("other")
    record = quiet_company(owner)
    url = f"/api/v1/companies/{record.pk}/"
    api = client_for(other)
    # when they send a read-only key, the true version or a wrong one, the true owner or not
    ignored = api.patch(url, {"restricted": False}, format="json")
    versions = [api.patch(url, {"version": v}, format="json") for v in (record.version, 99)]
    owners = [api.patch(url, {"owner": u}, format="json") for u in (owner.pk, other.pk)]
    # then the read-only key is ignored and the answer is the restricted shape
    assert ignored.status_code == 200, ignored.content
    assert ignored.json() == restricted_shape(record)
    # and a right guess reads exactly like a wrong one, showing no version or owner
    assert [r.status_code for r in versions] == [409, 409]
    assert versions[0].json() == versions[1].json()
    assert "current_version" not in versions[0].json()
    assert [r.status_code for r in owners] == [403, 403]
    assert owners[0].json() == owners[1].json()
    assert list(owners[0].json()["errors"]) == ["owner"]


def test_a_put_on_a_record_the_caller_may_only_list_is_refused_without_values(make_user):
    # given
    owner, other = make_user("owner"), make_user("other")
    record = quiet_company(owner)
    # when
    response = client_for(other).put(f"/api/v1/companies/{record.pk}/", {}, format="json")
    # then
    assert response.status_code == 403
    assert "Secret" not in response.content.decode()
    assert "4321" not in response.content.decode()
    assert get_model("companies").objects.get(pk=record.pk).street == "Secret 1"


def test_an_update_answers_exactly_what_get_answers_next(make_user):
    # given
    owner = make_user("owner")
    record = quiet_company(owner)
    api = client_for(owner)
    # when
    patched = api.patch(f"/api/v1/companies/{record.pk}/", {"employees": 12}, format="json")
    # then
    assert patched.status_code == 200
    assert patched.json() == api.get(f"/api/v1/companies/{record.pk}/").json()
    assert patched.json()["employees"] == 12 and patched.json()["restricted"] is False


def test_a_write_answer_shows_a_link_as_get_shows_it(make_user):
    # given: a public deal linked to a company its editor may not see
    owner, editor = make_user("owner"), make_user("editor")
    hidden = RecordService().create(
        None, "companies", {"name": "Hidden Co"}, visibility="hidden", owner=owner
    )
    deal = RecordService().create(owner, "deals", {"name": "Pilot", "company": hidden.pk})
    api = client_for(editor)
    # when
    patched = api.patch(f"/api/v1/deals/{deal.pk}/", {"name": "Pilot 2"}, format="json")
    # then
    assert patched.status_code == 200, patched.content
    assert patched.json() == api.get(f"/api/v1/deals/{deal.pk}/").json()
    assert "Hidden Co" not in patched.content.decode()


def test_handing_a_record_over_out_of_sight_is_written_and_answers_204(make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    record = RecordService().create(alice, "companies", {"name": "Mine", **SECRET})
    # when
    response = client_for(alice).patch(
        f"/api/v1/companies/{record.pk}/",
        {"owner": bob.pk, "visibility": "hidden", "street": "New 2"},
        format="json",
    )
    # then
    assert response.status_code == 204
    assert response.content == b""
    stored = get_model("companies").objects.get(pk=record.pk)
    assert (stored.owner_id, stored.visibility, stored.street) == (bob.pk, "hidden", "New 2")
    assert client_for(alice).get(f"/api/v1/companies/{record.pk}/").status_code == 404


def test_handing_a_record_over_as_non_public_answers_its_basic_fields(make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    record = RecordService().create(alice, "companies", {"name": "Quiet Ltd", "city": "Łódź"})
    body = {"name": "Quiet Ltd", "city": "Łódź", **SECRET}
    # when
    response = client_for(alice).put(
        f"/api/v1/companies/{record.pk}/",
        {**body, "owner": bob.pk, "visibility": "non_public"},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json() == restricted_shape(record)


def test_creating_a_record_for_someone_else_answers_only_what_the_caller_may_see(make_user, admin):
    # given users who may hand records over and set their visibility
    AccessService().update_permissions(
        admin,
        "companies",
        system={"user": ["view", "add", "edit", "change_user", "change_visibility"]},
    )
    alice, bob = make_user("alice"), make_user("bob")
    api = client_for(alice)
    body = {"name": "Quiet Ltd", "city": "Łódź", **SECRET, "owner": bob.pk}
    # when
    hidden = api.post(
        "/api/v1/companies/", {**body, "name": "Gone Ltd", "visibility": "hidden"}, format="json"
    )
    listed = api.post("/api/v1/companies/", {**body, "visibility": "non_public"}, format="json")
    # then
    assert hidden.status_code == 201, hidden.content
    hidden_id = hidden.json()["id"]
    assert hidden.json() == {"id": hidden_id}
    assert get_model("companies").objects.get(pk=hidden_id).owner_id == bob.pk
    assert listed.status_code == 201, listed.content
    listed_id = listed.json()["id"]
    assert listed.json() == restricted_shape(get_model("companies").objects.get(pk=listed_id))
    assert "Secret" not in hidden.content.decode() + listed.content.decode()


def test_a_restore_answers_what_get_answers_next(make_user):
    # given
    owner = make_user("owner")
    record = quiet_company(owner)
    RecordService().delete(owner, "companies", record.pk)
    api = client_for(owner)
    # when
    restored = api.post(f"/api/v1/companies/{record.pk}/restore/")
    # then
    assert restored.status_code == 200, restored.content
    assert restored.json() == api.get(f"/api/v1/companies/{record.pk}/").json()
    assert restored.json()["street"] == "Secret 1"


def test_bulk_answers_count_only_the_callers_own_ids(make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    mine = [RecordService().create(alice, "companies", {"name": f"A{i}"}).pk for i in range(2)]
    RecordService().create(None, "companies", {"name": "B"}, visibility="hidden", owner=bob)
    api = client_for(alice)
    # when
    done = api.post(
        "/api/v1/companies/bulk/",
        {"action": "update", "ids": [*mine, mine[0]], "values": {"employees": 3}},
        format="json",
    )
    # then
    assert done.status_code == 200, done.content
    assert done.json() == {"action": "update", "count": 2}


def test_bulk_refusals_read_the_same_for_a_hidden_and_a_missing_id(make_user):
    # given
    alice, bob = make_user("alice"), make_user("bob")
    mine = RecordService().create(alice, "companies", {"name": "A"}).pk
    hidden = (
        RecordService().create(None, "companies", {"name": "H"}, visibility="hidden", owner=bob).pk
    )
    missing = hidden + 1000
    api = client_for(alice)

    def refusal(other):
        body = {"action": "delete", "ids": [mine, other]}
        answer = api.post("/api/v1/companies/bulk/", body, format="json")
        return answer.status_code, answer.json()["code"], answer.json()["errors"]

    # when
    for_hidden, for_missing = refusal(hidden), refusal(missing)
    # then
    assert for_hidden[:2] == for_missing[:2] == (404, "not_found")
    assert for_hidden[2] == for_missing[2]


def test_adding_a_relation_answers_the_entry_get_lists(make_user):
    # given: the caller's company and a non-public one they may only list
    alice, bob = make_user("alice"), make_user("bob")
    mine = RecordService().create(alice, "companies", {"name": "Mine"})
    theirs = quiet_company(bob)
    hq_type = RelationType.objects.get(key="headquarters_branch")
    api = client_for(alice)
    url = f"/api/v1/companies/{mine.pk}/relations/"
    # when
    added = api.post(
        url, {"relation_type": hq_type.pk, "other_id": theirs.pk, "side": "source"}, format="json"
    )
    # then
    assert added.status_code == 201, added.content
    assert added.json()["other"] == {
        "entity": "companies",
        "id": theirs.pk,
        "title": "Quiet Ltd",
        "restricted": True,
    }
    assert api.get(url).json()["results"] == [added.json()]
    removed = api.delete(f"{url}{added.json()['id']}/")
    assert removed.status_code == 204 and removed.content == b""
    assert api.get(url).json()["results"] == []


def test_the_openapi_document_says_which_writes_may_answer_204(admin_client):
    # when
    paths = admin_client.get("/api/v1/schema/").json()["paths"]
    # then
    prefix = "/api/v1/companies/{"
    detail = next(p for p in paths if p.startswith(prefix) and p.count("/") == 5)
    restore = next(p for p in paths if p.startswith(prefix) and p.endswith("/restore/"))
    for method in ("patch", "put"):
        assert {"200", "204"} <= set(paths[detail][method]["responses"]), method
    assert {"200", "204"} <= set(paths[restore]["post"]["responses"])
    assert "204" not in paths["/api/v1/companies/"]["post"]["responses"]
