"""The seams records owns for the modules above it: restore checks (records.hooks)."""

import pytest

from modules.records import hooks
from modules.records.exceptions import RecordConflict
from modules.records.services import RecordService

service = RecordService()


@pytest.fixture
def restore_checks():
    """Register restore checks for one test; the registered ones come back afterwards."""
    registered = list(hooks._restore_checks)
    yield hooks.register_restore_check
    hooks._restore_checks[:] = registered


def test_a_restore_check_that_objects_refuses_the_restore_and_keeps_the_record_trashed(
    db, user, restore_checks
):
    # given
    deal = service.create(user, "deals", {"name": "Renewal"})
    service.delete(user, "deals", deal.pk)
    asked = []

    def objecting(acting_user, entity, record_id):
        asked.append((acting_user, entity.slug, record_id))
        return ["The renewal clashes with another deal."]

    restore_checks(objecting)
    # when
    with pytest.raises(RecordConflict) as refusal:
        service.restore(user, "deals", deal.pk)
    # then
    assert asked == [(user, "deals", deal.pk)]
    assert str(refusal.value.detail) == (
        "This record cannot be restored: The renewal clashes with another deal."
    )
    assert service.get(user, "deals", deal.pk, trashed=True).deleted_at is not None


def test_a_restore_check_with_nothing_to_say_lets_the_record_come_back(db, user, restore_checks):
    # given
    deal = service.create(user, "deals", {"name": "Renewal"})
    service.delete(user, "deals", deal.pk)
    restore_checks(lambda acting_user, entity, record_id: [])
    # when
    restored = service.restore(user, "deals", deal.pk)
    # then
    assert restored.deleted_at is None
