"""Counts in the metadata endpoints go over every record: administrators see them, others null."""

from rest_framework.test import APIClient

from modules.records.services import RecordService
from modules.relations.models import RelationType
from modules.relations.services import RelationService
from modules.segmentation.recompute import run_recompute
from modules.segmentation.services import SegmentationService
from tests.fixtures.segmentation import potential_scheme

SCHEME_URL = "/api/v1/meta/entity-types/persons/segmentation/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def hidden_branch_of_hidden_hq(owner) -> RelationType:
    """Two companies hidden from everyone but their owner, related as headquarters/branch."""
    hq_type = RelationType.objects.get(key="headquarters_branch")
    hq, branch = (
        RecordService().create(None, "companies", {"name": name}, visibility="hidden", owner=owner)
        for name in ("Secret HQ", "Secret Branch")
    )
    RelationService().add(owner, "companies", hq.pk, hq_type.pk, branch.pk, side="source")
    return hq_type


def test_relation_counts_are_shown_to_administrators_only(make_user, admin):
    # given
    hq_type = hidden_branch_of_hidden_hq(make_user("owner"))
    plain = client_for(make_user("plain"))
    # when
    as_admin = client_for(admin).get("/api/v1/meta/relation-types/").json()
    as_user = plain.get("/api/v1/meta/relation-types/").json()
    one = plain.get(f"/api/v1/meta/relation-types/{hq_type.pk}/").json()
    # then
    counts = {row["id"]: row["relations"] for row in as_admin}
    assert counts[hq_type.pk] == 1
    assert {row["relations"] for row in as_user} == {None}
    assert one["relations"] is None and one["id"] == hq_type.pk


def test_recompute_counts_are_shown_to_administrators_only(make_user, admin):
    # given: a recompute re-scored persons the plain user may not see
    for n in range(3):
        RecordService().create(
            admin,
            "persons",
            {"first_name": "P", "last_name": str(n), "sales_potential": 30 + n},
            visibility="hidden",
        )
    SegmentationService().save(admin, "persons", potential_scheme(weight="2"))
    run = SegmentationService().stored("persons").recomputes.first()
    run_recompute(run.pk)
    # when
    as_admin = client_for(admin).get(SCHEME_URL).json()["recompute"]
    as_user = client_for(make_user("plain")).get(SCHEME_URL).json()["recompute"]
    # then
    assert as_admin["status"] == as_user["status"] == "done"
    assert as_admin["total"] >= 3 and as_admin["done"] == as_admin["total"]
    assert as_admin["changed"] >= 3
    assert (as_user["done"], as_user["total"], as_user["changed"]) == (None, None, None)
    assert as_user["percent"] == 100
