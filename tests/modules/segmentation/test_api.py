"""The segmentation API: the scheme endpoint, counts, and score/segment on records."""

import pytest

from modules.records.services import RecordService
from tests.fixtures.segmentation import potential_scheme

pytestmark = pytest.mark.django_db
URL = "/api/v1/meta/entity-types/persons/segmentation/"


def person(user, potential, **kwargs):
    return RecordService().create(
        user,
        "persons",
        {"first_name": "P", "last_name": str(potential), "sales_potential": potential},
        **kwargs,
    )


def test_get_then_put_replaces_the_scheme(admin_client):
    # given
    scheme = admin_client.get(URL).json()
    scheme["parameters"][0]["weight"] = "2.00"
    scheme["segments"][1]["name"] = "Promising"
    # when
    response = admin_client.put(URL, scheme, format="json")
    # then
    assert response.status_code == 200, response.content
    saved = admin_client.get(URL).json()
    assert saved["version"] == scheme["version"] + 1
    assert saved["parameters"][0]["weight"] == "2.00"
    assert [s["name"] for s in saved["segments"]] == ["Weak", "Promising", "Good", "Ideal"]
    assert saved["score_range"] == {"min": "0.00", "max": "60.00"}
    assert saved["recompute"]["scheme_version"] == saved["version"]


def test_an_invalid_scheme_is_a_400_keyed_like_the_body_and_changes_nothing(admin_client):
    # given
    before = admin_client.get(URL).json()
    payload = potential_scheme(
        ranges=[{"min": None, "max": "50", "points": 1}, {"min": "30", "max": None, "points": 2}],
        segments=[
            {"name": "Low", "min": None, "max": "10"},
            {"name": "High", "min": "12", "max": None},
        ],
    )
    # when
    response = admin_client.put(URL, payload, format="json")
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"parameters.0.ranges.1.min", "segments.1.min"}
    assert admin_client.get(URL).json() == before


def test_a_stale_version_is_a_409(admin_client):
    # given
    scheme = admin_client.get(URL).json()
    assert admin_client.put(URL, scheme, format="json").status_code == 200
    # when the same, now stale, version is sent again
    response = admin_client.put(URL, scheme, format="json")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "stale_scheme"


def test_users_read_the_scheme_but_neither_change_it_nor_see_counts(user_client):
    assert user_client.get(URL).status_code == 200
    assert user_client.put(URL, potential_scheme(), format="json").status_code == 403
    assert user_client.get(f"{URL}distribution/").status_code == 403
    assert user_client.post(f"{URL}preview/", potential_scheme(), format="json").status_code == 403


def test_a_type_without_segmentation_answers_400(admin_client):
    response = admin_client.get("/api/v1/meta/entity-types/deals/segmentation/")
    assert response.status_code == 400
    assert response.json()["code"] == "segmentation_not_enabled"


def test_distribution_and_preview_count_records_per_segment(admin, admin_client):
    # given
    for potential in (10, 30, 30, 90):
        person(admin, potential)
    # when
    now = admin_client.get(f"{URL}distribution/").json()
    narrower = potential_scheme(
        segments=[
            {"name": "Low", "min": None, "max": "30"},
            {"name": "Top", "min": "30", "max": None},
        ]
    )
    preview = admin_client.post(f"{URL}preview/", narrower, format="json").json()
    # then
    counts = {row["segment"]: row["count"] for row in now["segments"]}
    assert counts["Weak"] >= 1 and counts["Medium"] >= 2 and counts["Ideal"] >= 1
    preview_counts = {row["segment"]: row["count"] for row in preview["segments"]}
    assert preview_counts["Top"] == counts["Ideal"]
    assert preview["total"] == now["total"]
    assert admin_client.get(URL).json()["segments"][0]["name"] == "Weak"  # nothing saved


def test_records_carry_score_and_segment_and_filter_and_sort_by_them(admin, admin_client):
    # given
    low, high = person(admin, 10), person(admin, 80)
    # when
    record = admin_client.get(f"/api/v1/persons/{high.pk}/").json()
    ideal = admin_client.get("/api/v1/persons/?segment=Ideal&page_size=500").json()["results"]
    weak_or_ideal = admin_client.get("/api/v1/persons/?segment__in=Weak,Ideal&page_size=500").json()
    scored = admin_client.get("/api/v1/persons/?score__gte=30&ordering=-score&page_size=500").json()
    # then
    assert (record["score"], record["segment"]) == ("30.00", "Ideal")
    assert high.pk in {r["id"] for r in ideal} and low.pk not in {r["id"] for r in ideal}
    assert {low.pk, high.pk} <= {r["id"] for r in weak_or_ideal["results"]}
    scores = [float(r["score"]) for r in scored["results"]]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 30


def test_score_and_segment_of_restricted_records_do_not_leak(make_user, admin):
    # given a non-public record someone else owns
    from rest_framework.test import APIClient

    owner, other = make_user("owner"), make_user("other")
    hidden = person(admin, 90, owner=owner, visibility="non_public")
    client = APIClient()
    client.force_authenticate(other)
    # when
    shown = client.get(f"/api/v1/persons/{hidden.pk}/").json()
    # then neither the record nor filters or sorting reveal them
    assert "score" not in shown and "segment" not in shown and shown["restricted"] is True
    for query in ("segment=Ideal", "segment__in=Ideal", "score__gte=1", "ordering=-score"):
        response = client.get(f"/api/v1/persons/?{query}")
        assert response.status_code == 400, query
