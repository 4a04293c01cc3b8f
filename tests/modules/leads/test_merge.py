"""Merging duplicates: values chosen per field, every kind of link moves, the other record
goes to the trash with a pointer, history shows the merge on both, refusals change nothing."""

import pytest

from modules.access import grants
from modules.history.models import RowHistory
from modules.leads.models import MergeLink
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.relations.models import Relation, RelationType
from modules.relations.services import RelationService

pytestmark = pytest.mark.django_db
records = RecordService()


def company(user, name, **values):
    return records.create(user, "companies", {"name": name, **values})


def test_a_merge_moves_values_relations_linking_fields_and_grants(admin, admin_client, make_user):
    # given two companies, the second with a relation, a deal pointing at it and a participant
    kept = company(admin, "Acme", website="https://acme.example")
    merged = company(admin, "ACME S.A.", phone="+48 600 100 200")
    partner = company(admin, "Partner")
    partners = RelationType.objects.get(key="partners")
    RelationService().add(admin, "companies", merged.pk, partners.pk, partner.pk)
    deal = records.create(admin, "deals", {"name": "Big one", "company": merged.pk})
    helper = make_user()
    entity = get_snapshot().entity("companies")
    grants.write(entity, [merged.pk], "participant", [helper.pk], [])
    # when the admin merges, taking the merged record's name
    response = admin_client.post(
        f"/api/v1/companies/{kept.pk}/merge/",
        {"merged": merged.pk, "values": {"name": "merged"}},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["record"]["name"] == "ACME S.A."
    assert body["record"]["phone"] == "+48 600 100 200"  # empty on the kept one: taken
    assert body["record"]["website"] == "https://acme.example"
    assert body["moved"]["relations"] == 1 and body["moved"]["links"] == 1
    assert body["moved"]["grants"] == 1
    assert Relation.objects.filter(source_id=kept.pk, target_id=partner.pk).exists()
    assert records.get(admin, "deals", deal.pk).company_id == kept.pk
    assert helper.pk in grants.holders(entity, [kept.pk])[kept.pk]["participant"]["users"]
    # the merged record is in the trash, with a pointer, and history shows the merge on both
    assert records.get(admin, "companies", merged.pk, trashed=True).deleted_at is not None
    assert MergeLink.objects.filter(kept_id=kept.pk, merged_id=merged.pk).exists()
    for pk in (kept.pk, merged.pk):
        assert RowHistory.objects.filter(record_id=pk, action="merge").exists(), pk
    # and a restore brings it back while the moved links stay on the kept record
    records.restore(admin, "companies", merged.pk)
    assert Relation.objects.filter(source_id=kept.pk, target_id=partner.pk).exists()
    assert records.get(admin, "deals", deal.pk).company_id == kept.pk


def test_merging_a_record_with_itself_or_a_bad_field_is_a_400(admin, admin_client):
    one, two = company(admin, "One"), company(admin, "Two")
    itself = admin_client.post(
        f"/api/v1/companies/{one.pk}/merge/", {"merged": one.pk}, format="json"
    )
    assert itself.status_code == 400 and "merged" in itself.json()["errors"]
    bad = admin_client.post(
        f"/api/v1/companies/{one.pk}/merge/",
        {"merged": two.pk, "values": {"shoe": "merged"}},
        format="json",
    )
    assert bad.status_code == 400 and "values.shoe" in bad.json()["errors"]
    assert records.get(admin, "companies", two.pk).deleted_at is None
    assert not MergeLink.objects.exists()


def test_a_record_the_user_may_not_edit_or_see_refuses_the_merge_whole(admin, user, user_client):
    mine = company(user, "Mine")
    hidden = records.create(admin, "companies", {"name": "Hidden"}, visibility="hidden")
    response = user_client.post(
        f"/api/v1/companies/{mine.pk}/merge/", {"merged": hidden.pk}, format="json"
    )
    missing = user_client.post(
        f"/api/v1/companies/{mine.pk}/merge/", {"merged": 987654321}, format="json"
    )
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert records.get(admin, "companies", hidden.pk).deleted_at is None


def test_the_merge_screen_offers_each_field_and_merges(admin, client):
    client.force_login(admin)
    kept = company(admin, "Kept", email="same@example.com")
    merged = company(admin, "Merged", email="same@example.com", phone="+48 111 222 333")
    profile = client.get(f"/records/companies/inspect/{kept.pk}/").content.decode()
    assert f"/records/companies/{kept.pk}/merge/{merged.pk}/" in profile
    form = client.get(f"/records/companies/{kept.pk}/merge/{merged.pk}/")
    assert form.status_code == 200
    assert 'data-merge-field="phone"' in form.content.decode()
    done = client.post(
        f"/records/companies/{kept.pk}/merge/{merged.pk}/",
        {"pick-name": "kept", "pick-phone": "merged"},
    )
    assert done.status_code == 302
    assert records.get(admin, "companies", kept.pk).phone == "+48 111 222 333"
