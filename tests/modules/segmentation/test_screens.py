"""Settings > Segmentation and the record screens: configurator, chart, preview, list, profile."""

import pytest
from django.urls import reverse

from modules.records.services import RecordService
from modules.segmentation.models import Scheme

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
SCHEME = "/settings/segmentation/persons/"


def form(scheme: dict, **changes) -> dict:
    """What the configurator posts for `scheme` (the API's shape), with `changes` applied."""
    data = {"version": scheme["version"], "save": "1"}
    for i, p in enumerate(scheme["parameters"]):
        data.update(
            {
                f"param-{i}-name": p["name"],
                f"param-{i}-description": p["description"],
                f"param-{i}-field": p["field"],
                f"param-{i}-weight": p["weight"],
            }
        )
        for j, r in enumerate(p.get("ranges", [])):
            for key in ("min", "max", "points"):
                data[f"param-{i}-range-{j}-{key}"] = "" if r[key] is None else r[key]
    for k, s in enumerate(scheme["segments"]):
        for key in ("name", "min", "max"):
            data[f"segment-{k}-{key}"] = "" if s[key] is None else s[key]
    data.update(changes)
    return data


def person(admin, potential, **kwargs):
    return RecordService().create(
        admin,
        "persons",
        {"first_name": "Pat", "last_name": str(potential), "sales_potential": potential},
        **kwargs,
    )


def test_only_administrators_open_the_configurator(client, admin, user):
    client.force_login(user)
    assert client.get(SCHEME).status_code == 403
    client.force_login(admin)
    page = client.get(SCHEME)
    assert page.status_code == 200
    assert b"Sales potential" in page.content and b"Step 2: name the segments" in page.content
    assert client.get(reverse("segmentation_settings:index")).status_code == 200
    assert client.get("/settings/segmentation/deals/").status_code == 404


def test_saving_changes_the_scheme_and_starts_a_recompute(client, admin, segmentation):
    # given
    client.force_login(admin)
    scheme = segmentation.scheme("persons")
    # when the weight changes and a segment is renamed
    response = client.post(SCHEME, form(scheme, **{"param-0-weight": "2", "segment-3-name": "Top"}))
    # then
    assert response.status_code == 302
    saved = segmentation.scheme("persons")
    assert saved["parameters"][0]["weight"] == "2.00"
    assert [s["name"] for s in saved["segments"]][-1] == "Top"
    assert saved["recompute"]["scheme_version"] == saved["version"]


def test_an_invalid_scheme_shows_errors_next_to_the_fields_and_saves_nothing(
    client, admin, segmentation
):
    # given
    client.force_login(admin)
    scheme = segmentation.scheme("persons")
    version = Scheme.objects.get(entity_type__slug="persons").version
    # when ranges overlap and segments leave a gap
    response = client.post(
        SCHEME, form(scheme, **{"param-0-range-1-min": "20", "segment-2-min": "25"})
    )
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert "overlaps range 1" in html
    assert "fall in no segment" in html
    assert 'value="20"' in html  # the user's input is kept
    assert Scheme.objects.get(entity_type__slug="persons").version == version


def test_preview_shows_the_new_distribution_without_saving(client, admin, segmentation):
    # given
    client.force_login(admin)
    for potential in (10, 60, 80):
        person(admin, potential)
    scheme = segmentation.scheme("persons")
    version = scheme["version"]
    # when
    data = form(scheme, **{"param-0-weight": "3"})
    del data["save"]
    data["preview"] = "1"
    response = client.post(SCHEME, data)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="current"' in html and 'data-chart="preview"' in html
    assert segmentation.scheme("persons")["version"] == version


def test_progress_is_served_as_json(client, admin, segmentation):
    client.force_login(admin)
    segmentation.recompute(admin, "persons")
    body = client.get(f"{SCHEME}progress/").json()
    assert body["recompute"]["status"] == "pending"


def test_the_list_filters_and_sorts_by_segment_and_score(client, admin):
    # given
    client.force_login(admin)
    low, high = person(admin, 10), person(admin, 90)
    # when
    ideal = client.get("/records/persons/?segment=Ideal").content.decode()
    by_score = client.get("/records/persons/?ordering=-score").content.decode()
    scored = client.get("/records/persons/?score_min=25").content.decode()
    # then
    assert f"/records/persons/inspect/{high.pk}/" in ideal or f"/{high.pk}/" in ideal
    assert f"/{low.pk}/" not in ideal
    assert "Segment" in by_score and "Score" in by_score
    assert f"/{low.pk}/" not in scored


def test_the_profile_explains_the_segment(client, admin):
    # given
    client.force_login(admin)
    record = person(admin, 60)
    # when
    html = client.get(f"/records/persons/inspect/{record.pk}/").content.decode()
    # then
    assert "Good" in html and "20.00" in html
    assert "Sales potential" in html and "data-why" in html


def test_a_restricted_profile_and_list_hide_score_and_segment(client, make_user, admin):
    # given
    owner, other = make_user("owner"), make_user("other")
    record = person(admin, 90, owner=owner, visibility="non_public")
    client.force_login(other)
    # when
    profile = client.get(f"/records/persons/inspect/{record.pk}/").content.decode()
    refused = client.get("/records/persons/?ordering=-score").content.decode()
    # then
    assert "data-why" not in profile and "Ideal" not in profile
    assert "cannot filter or sort" in refused


def test_a_choice_parameter_offers_the_fields_choices_by_their_labels(client, admin, segmentation):
    # given
    client.force_login(admin)
    scheme = segmentation.scheme("persons")
    data = form(
        scheme,
        **{
            "param-1-name": "Source",
            "param-1-description": "",
            "param-1-field": "source",
            "param-1-weight": "1",
            "param-1-value-0-value": "referral",
            "param-1-value-0-points": "5",
        },
    )
    # when the scheme is saved, then opened again
    assert client.post(SCHEME, data).status_code in (200, 302)
    page = client.get(SCHEME).content.decode()
    # then the value is picked from a list of the field's choices, named by their labels
    assert 'data-choice-select data-field="source"' in page
    assert '<option value="referral" selected>Referral</option>' in page
    assert '<option value="website">Website</option>' in page
