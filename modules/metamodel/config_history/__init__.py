"""Who changed which settings, when and what: the history simple-history keeps, made readable.

    from modules.metamodel.config_history import change_page, history_kinds

    kinds = history_kinds()
    page = change_page({k: k.history() for k in kinds.values()}, request.GET.get("page"))
    page.object_list   # [Change(when, who, kind_label, name, operation_label, fields), ...]

A module makes its metadata models part of it with a `HistoryKind` returned from a
`register_tessera_config_history` Wagtail hook (`kinds.CONFIG_HISTORY_HOOK`).
"""

from modules.metamodel.config_history.changes import Change, FieldChange, change_page
from modules.metamodel.config_history.kinds import CONFIG_HISTORY_HOOK, HistoryKind, history_kinds

__all__ = [
    "CONFIG_HISTORY_HOOK",
    "Change",
    "FieldChange",
    "HistoryKind",
    "change_page",
    "history_kinds",
]
