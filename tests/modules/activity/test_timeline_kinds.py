import pytest
from django.db.models import Q

from modules.activity import timeline
from modules.core.registry import RegistryError


def test_the_built_in_change_kind_reads_history_not_entries():
    # given / when
    change = timeline.entry_kinds.get("change")
    # then
    assert change.model is None and change.visible(None) is None


def test_a_kind_is_declared_once_and_narrows_by_its_own_condition():
    # given
    kind = timeline.EntryKind(
        type="probe", label="Probe", visible=lambda user: Q(user_id=getattr(user, "pk", 0))
    )
    timeline.register_kind(kind)
    try:
        # when / then
        assert timeline.entry_kinds.get("probe") is kind
        assert kind.visible(None) == Q(user_id=0)
        with pytest.raises(RegistryError):
            timeline.register_kind(timeline.EntryKind(type="probe", label="Again"))
    finally:
        timeline.entry_kinds.unregister("probe")
    assert "probe" not in timeline.entry_kinds
