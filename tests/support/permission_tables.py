"""The security defaults of a new entity type, written out by hand.

Tests compare what the product answers with these literal tables, never with the
product's own `default_*()` functions: a change of a default must show up as a change
of this file.
"""

ALL_ACTIONS = [
    "view",
    "add",
    "edit",
    "delete",
    "export",
    "import",
    "change_user",
    "change_visibility",
    "view_history",
]
RECORD_ACTIONS = [
    "view",
    "edit",
    "delete",
    "export",
    "change_user",
    "change_visibility",
    "view_history",
]
SYSTEM_DEFAULTS = {
    "manager": ALL_ACTIONS,
    "user": ["view", "add", "edit", "export", "view_history"],
}
# Every object role's default row; a new entity type switches on only the owner and the
# participant.
OBJECT_ROLE_DEFAULTS = {
    "author": ["view", "edit", "view_history"],
    "responsible": ["view", "edit", "view_history"],
    "owner": RECORD_ACTIONS,
    "participant": ["view", "view_history"],
}
OBJECT_DEFAULTS = {
    "owner": OBJECT_ROLE_DEFAULTS["owner"],
    "participant": OBJECT_ROLE_DEFAULTS["participant"],
}
