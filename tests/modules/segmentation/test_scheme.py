"""The scheme: the seed's flow, validation that keeps the previous scheme, record scoring."""

from decimal import Decimal

import pytest

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from modules.segmentation.exceptions import SchemeInvalid
from modules.segmentation.models import Recompute, Scheme
from tests.fixtures.segmentation import potential_scheme

pytestmark = pytest.mark.django_db


def test_built_in_types_ship_the_sales_potential_scheme(segmentation):
    # when
    scheme = segmentation.scheme("persons")
    # then
    assert [p["name"] for p in scheme["parameters"]] == ["Sales potential"]
    assert scheme["parameters"][0]["kind"] == "numeric"
    assert [s["name"] for s in scheme["segments"]] == ["Weak", "Medium", "Good", "Ideal"]
    assert segmentation.scheme("companies")["parameters"][0]["field"] == "sales_potential"


def test_records_are_scored_and_segmented_when_saved(admin, segmentation):
    # given
    segmentation.save(admin, "persons", potential_scheme(weight="1.5"))
    service = RecordService()
    # when
    low = service.create(
        admin, "persons", {"first_name": "A", "last_name": "Low", "sales_potential": 10}
    )
    high = service.create(
        admin, "persons", {"first_name": "B", "last_name": "High", "sales_potential": 80}
    )
    empty = service.create(admin, "persons", {"first_name": "C", "last_name": "Empty"})
    # then points * weight: 0, 30 * 1.5 = 45, 0
    assert (low.score, low.segment) == (Decimal("0.00"), "Weak")
    assert (high.score, high.segment) == (Decimal("45.00"), "Ideal")
    assert (empty.score, empty.segment) == (Decimal("0.00"), "Weak")
    # when an update moves the value to another range
    moved = service.update(admin, "persons", low.pk, {"sales_potential": 60})
    # then
    stored = get_model("persons").objects.get(pk=moved.pk)
    assert (stored.score, stored.segment) == (Decimal("30.00"), "Ideal")


def test_saving_a_scheme_starts_a_recompute_of_every_record(admin, segmentation):
    # given
    before = Scheme.objects.get(entity_type__slug="persons").version
    # when
    saved = segmentation.save(admin, "persons", potential_scheme())
    # then
    assert saved["version"] == before + 1
    run = Recompute.objects.filter(scheme__entity_type__slug="persons").first()
    assert run.scheme_version == saved["version"]
    assert saved["recompute"]["id"] == run.pk


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            {
                "ranges": [
                    {"min": None, "max": "50", "points": 1},
                    {"min": "40", "max": None, "points": 2},
                ]
            },
            "parameters.0.ranges.1.min",
        ),
        ({"ranges": [{"min": "5", "max": "5", "points": 1}]}, "parameters.0.ranges.0.max"),
        ({"ranges": []}, "parameters.0.ranges"),
        ({"values": [{"value": "x", "points": 1}]}, "parameters.0.values"),
        ({"weight": "-1"}, "parameters.0.weight"),
        ({"field": "notes"}, "parameters.0.field"),
        ({"field": "nope"}, "parameters.0.field"),
        ({"ranges": [{"min": "a", "max": None, "points": 1}]}, "parameters.0.ranges.0.min"),
        ({"ranges": [{"min": None, "max": None, "points": 1.5}]}, "parameters.0.ranges.0.points"),
    ],
)
def test_invalid_parameters_are_refused_and_the_scheme_is_kept(admin, segmentation, change, key):
    # given
    kept = segmentation.scheme("persons")
    payload = potential_scheme()
    payload["parameters"][0].update(change)
    if "values" in change:
        del payload["parameters"][0]["ranges"]
    # when
    with pytest.raises(SchemeInvalid) as refused:
        segmentation.save(admin, "persons", payload)
    # then
    assert key in refused.value.errors
    assert segmentation.scheme("persons") == kept


@pytest.mark.parametrize(
    ("segments", "key"),
    [
        (
            [{"name": "Low", "min": None, "max": "10"}, {"name": "High", "min": "15", "max": None}],
            "segments.1.min",
        ),
        (
            [{"name": "Low", "min": None, "max": "10"}, {"name": "High", "min": "5", "max": None}],
            "segments.1.min",
        ),
        ([{"name": "Low", "min": "0", "max": None}], "segments.0.min"),
        ([{"name": "Low", "min": None, "max": "100"}], "segments.0.max"),
        (
            [
                {"name": "Same", "min": None, "max": "10"},
                {"name": "same", "min": "10", "max": None},
            ],
            "segments.1.name",
        ),
        ([], "segments"),
    ],
)
def test_gaps_and_overlaps_between_segments_are_refused(admin, segmentation, segments, key):
    # given
    kept = segmentation.scheme("persons")
    # when
    with pytest.raises(SchemeInvalid) as refused:
        segmentation.save(admin, "persons", {**potential_scheme(), "segments": segments})
    # then
    assert key in refused.value.errors
    assert refused.value.errors[key][0]
    assert segmentation.scheme("persons") == kept


def test_a_parameter_on_a_trashed_field_is_refused(admin, schema, segmentation):
    # given
    schema.add_field(admin, "persons", api_name="budget", label="Budget", type="decimal")
    schema.trash_field(admin, "persons", "budget")
    # when
    with pytest.raises(SchemeInvalid) as refused:
        segmentation.save(admin, "persons", potential_scheme(field="budget"))
    # then
    assert "in the trash" in refused.value.errors["parameters.0.field"][0]


def test_a_categorical_parameter_scores_choices(admin, segmentation):
    # given
    payload = potential_scheme()
    payload["parameters"].append(
        {
            "name": "Source",
            "field": "source",
            "weight": "2",
            "values": [{"value": "referral", "points": 5}, {"value": "website", "points": 1}],
        }
    )
    segmentation.save(admin, "persons", payload)
    # when
    record = RecordService().create(
        admin,
        "persons",
        {"first_name": "R", "last_name": "Ef", "source": "referral", "sales_potential": 30},
    )
    # then 10 * 1 + 5 * 2
    assert (record.score, record.segment) == (Decimal("20.00"), "Good")


def test_choice_values_must_be_choices_of_the_field(admin, segmentation):
    # given
    payload = potential_scheme()
    payload["parameters"][0] = {
        "name": "Source",
        "field": "source",
        "values": [{"value": "carrier pigeon", "points": 5}],
    }
    # when
    with pytest.raises(SchemeInvalid) as refused:
        segmentation.save(admin, "persons", payload)
    # then
    assert "parameters.0.values.0.value" in refused.value.errors


def test_only_administrators_change_schemes(user, segmentation):
    # when / then
    from modules.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        segmentation.save(user, "persons", potential_scheme())


@pytest.mark.parametrize("named", ["Polecenie", "referral", " REFERRAL ", "Referral"])
def test_a_choice_value_may_be_given_by_the_label_a_person_sees(admin, segmentation, named):
    # given a value named by its Polish or English label, or its code in any case
    payload = potential_scheme()
    payload["parameters"].append(
        {"name": "Source", "field": "source", "values": [{"value": named, "points": 5}]}
    )
    # when
    segmentation.save(admin, "persons", payload)
    # then the scheme stores the code
    stored = segmentation.scheme("persons")["parameters"][1]["values"]
    assert stored == [{"value": "referral", "points": 5}]
