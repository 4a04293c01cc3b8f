import pytest

from modules.metamodel.runtime import get_model
from modules.records.exceptions import RecordInvalid, RecordNotFound, StaleRecord
from modules.records.services import RecordService

pytestmark = pytest.mark.smoke

service = RecordService()


def test_create_sets_owner_author_and_defaults(db, user):
    # when
    company = service.create(user, "companies", {"name": "Acme", "employees": "12"})
    # then
    stored = get_model("companies").objects.get(pk=company.pk)
    assert (stored.owner, stored.created_by, stored.updated_by) == (user, user, user)
    assert stored.visibility == "public" and stored.version == 1 and stored.employees == 12


def test_owner_and_visibility_can_be_given(db, admin, make_user):
    other = make_user()
    company = service.create(admin, "companies", {"name": "Acme"}, owner=other, visibility="hidden")
    assert company.owner == other and company.visibility == "hidden"
    with pytest.raises(RecordInvalid) as error:
        service.create(admin, "companies", {"name": "Beta"}, visibility="secret")
    assert "visibility" in error.value.errors


def test_invalid_values_name_their_fields_and_write_nothing(db, user):
    before = get_model("companies").objects.count()
    with pytest.raises(RecordInvalid) as error:
        service.create(
            user,
            "companies",
            {"employees": "many", "email": "not-an-email", "industry": "alchemy", "colour": "red"},
        )
    assert set(error.value.errors) == {"employees", "email", "industry", "colour", "name"}
    assert error.value.errors["name"] == ["This field is required."]
    assert get_model("companies").objects.count() == before


def test_unique_fields_are_checked_case_insensitively(db, user):
    service.create(user, "companies", {"name": "Acme"})
    with pytest.raises(RecordInvalid) as error:
        service.create(user, "companies", {"name": "ACME"})
    assert list(error.value.errors) == ["name"]


def test_update_writes_only_named_fields_and_bumps_the_version(db, user, make_user):
    # given
    company = service.create(user, "companies", {"name": "Acme", "city": "Kraków"})
    other = make_user()
    # when
    updated = service.update(other, "companies", company.pk, {"city": "Gdańsk"}, expected_version=1)
    # then
    stored = get_model("companies").objects.get(pk=company.pk)
    assert (stored.city, stored.name, stored.version) == ("Gdańsk", "Acme", 2)
    assert updated.version == 2 and stored.updated_by == other and stored.created_by == user


def test_update_without_changes_keeps_the_version(db, user):
    company = service.create(user, "companies", {"name": "Acme"})
    assert service.update(user, "companies", company.pk, {"name": "Acme"}).version == 1


def test_stale_version_is_a_conflict_and_writes_nothing(db, user):
    # given two users opened version 1; the first saved
    company = service.create(user, "companies", {"name": "Acme"})
    service.update(user, "companies", company.pk, {"city": "Poznań"}, expected_version=1)
    # when the second saves with version 1
    with pytest.raises(StaleRecord) as error:
        service.update(user, "companies", company.pk, {"city": "Łódź"}, expected_version=1)
    # then
    assert error.value.status == 409 and error.value.extra["current_version"] == 2
    assert get_model("companies").objects.get(pk=company.pk).city == "Poznań"


def test_edits_to_different_fields_by_two_users_both_survive(db, user, make_user):
    company = service.create(user, "companies", {"name": "Acme"})
    service.update(user, "companies", company.pk, {"city": "Poznań"})
    service.update(make_user(), "companies", company.pk, {"employees": 40})
    stored = get_model("companies").objects.get(pk=company.pk)
    assert (stored.city, stored.employees, stored.version) == ("Poznań", 40, 3)


def test_delete_moves_to_trash_and_restore_brings_it_back(db, user):
    # given
    deal = service.create(user, "deals", {"name": "Renewal"})
    # when
    service.delete(user, "deals", deal.pk)
    # then
    with pytest.raises(RecordNotFound):
        service.get(user, "deals", deal.pk)
    assert service.get(user, "deals", deal.pk, trashed=True).number == deal.number
    with pytest.raises(RecordNotFound):
        service.update(user, "deals", deal.pk, {"name": "x"})
    # when
    restored = service.restore(user, "deals", deal.pk)
    # then
    assert restored.deleted_at is None and restored.number == deal.number


def test_missing_records(db, user):
    for record_id in (10**9, "abc", None):
        with pytest.raises(RecordNotFound):
            service.get(user, "companies", record_id)
    with pytest.raises(RecordNotFound):
        service.restore(user, "companies", 10**9)


def test_relations_must_point_at_live_records(db, user):
    company = service.create(user, "companies", {"name": "Acme"})
    service.delete(user, "companies", company.pk)
    with pytest.raises(RecordInvalid) as error:
        service.create(
            user, "persons", {"first_name": "A", "last_name": "B", "company": company.pk}
        )
    assert list(error.value.errors) == ["company"]


def test_values_of_every_shape_round_trip(db, user):
    company = service.create(user, "companies", {"name": "Acme"})
    deal = service.create(
        user,
        "deals",
        {
            "name": "Big one",
            "company": company.pk,
            "value": {"amount": "1200.5", "currency": "EUR"},
            "probability": "55%",
            "expected_close_date": "2026-12-24",
            "closed_at": "2026-12-24T10:30:00+01:00",
            "source": "referral",
        },
    )
    stored = get_model("deals").objects.select_related("company").get(pk=deal.pk)
    value = stored.entity.field("value")
    assert value.type_class.to_json(value, value.type_class.get_value(stored, value)) == {
        "amount": "1200.50",
        "currency": "EUR",
    }
    assert stored.company.name == "Acme" and stored.source == "referral"
    assert (
        str(stored.probability) == "55.0000"
        and stored.closed_at.isoformat() == "2026-12-24T09:30:00+00:00"
    )
