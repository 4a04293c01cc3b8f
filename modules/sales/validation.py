"""Checks of a pipeline payload that need the whole payload or the database.

    errors = check_pipeline(payload, entity, others, users)   # {"stages.0.name": [...]}

The input serializer has checked JSON types and ranges; these are the rules across keys:
duplicate names, keys, weights adding up to zero, users and templates that do not exist,
segments already mapped to another pipeline.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from modules.sales import task_templates

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
#: What an action or a stage is when the payload leaves a setting out.
ACTION_DEFAULTS = {
    "weight": 1,
    "mandatory": False,
    "completers": "editors",
    "completer_users": [],
    "note": "none",
    "notify": [],
    "notify_users": [],
    "task_template": "",
}
STAGE_DEFAULTS = {"probability": 0, "colour": "#4a90d9"}


def name_forms(label) -> set[str]:
    """The texts of a label, compared case-, space- and width-insensitively."""
    texts = [label] if isinstance(label, str) else list(label.values())
    return {" ".join(unicodedata.normalize("NFKC", t).split()).casefold() for t in texts} - {""}


def make_key(label, taken: set[str], fallback: str) -> str:
    """A key from the label's first text (ASCII letters, digits, `_`), unique among `taken`."""
    text = label if isinstance(label, str) else next(iter(label.values()), "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:50] or fallback
    if not base[0].isalnum():
        base = fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _add(errors: dict, place: str, message: str) -> None:
    errors.setdefault(place, []).append(message)


def check_pipeline(
    data: dict, *, others_stage_keys: set, others_action_keys: set, others_segments: dict
) -> dict:
    """Errors of a validated pipeline payload by place; keys are filled in where missing."""
    errors: dict[str, list[str]] = {}
    if not name_forms(data["name"]):
        _add(errors, "name", _("Give the pipeline a name."))
    if data.get("key") is not None and not KEY.match(data["key"]):
        _add(errors, "key", _("Use lower-case letters, digits, - and _."))
    stages = data["stages"]
    if not stages:
        _add(errors, "stages", _("A pipeline needs at least one stage."))
    users = set(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True))
    templates = task_templates.known()
    stage_names: dict[str, int] = {}
    stage_keys, action_keys = set(others_stage_keys), set(others_action_keys)
    total = 0
    for i, stage in enumerate(stages):
        at = f"stages.{i}"
        forms = name_forms(stage["name"])
        if not forms:
            _add(errors, f"{at}.name", _("Give the stage a name."))
        for form in forms:
            if form in stage_names and stage_names[form] != i:
                _add(errors, f"{at}.name", _("Another stage of this pipeline has this name."))
                break
            stage_names[form] = i
        _check_key(
            stage, at, stage_keys, "stage", errors, _("Another stage of this type has this key.")
        )
        action_names: set[str] = set()
        for j, action in enumerate(stage["actions"]):
            place = f"{at}.actions.{j}"
            forms = name_forms(action["name"])
            if not forms:
                _add(errors, f"{place}.name", _("Give the action a name."))
            if forms & action_names:
                _add(errors, f"{place}.name", _("Another action of this stage has this name."))
            action_names |= forms
            _check_key(
                action,
                place,
                action_keys,
                "action",
                errors,
                _("Another action of this type has this key."),
            )
            total += action["weight"]
            if action["completers"] == "users" and not action["completer_users"]:
                _add(errors, f"{place}.completer_users", _("Choose who may complete it."))
            for name in ("completer_users", "notify_users"):
                missing = sorted(set(action[name]) - users)
                if missing:
                    _add(
                        errors,
                        f"{place}.{name}",
                        _("No such active users: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
                    )
            if "users" in action["notify"] and not action["notify_users"]:
                _add(errors, f"{place}.notify_users", _("Choose whom to notify."))
            template = action["task_template"]
            if template and template not in templates:
                _add(
                    errors,
                    f"{place}.task_template",
                    _("There is no task template '%(key)s'.") % {"key": template},
                )
    if stages and total <= 0:
        _add(
            errors,
            "stages",
            _("The weights of the actions add up to zero: give some action a weight."),
        )
    seen: set[str] = set()
    for i, segment in enumerate(data["segments"]):
        if segment in seen:
            _add(errors, f"segments.{i}", _("This segment is listed twice."))
        seen.add(segment)
        if segment in others_segments:
            _add(
                errors,
                f"segments.{i}",
                _("This segment starts in the pipeline '%(name)s'.")
                % {"name": others_segments[segment]},
            )
    return errors


def _check_key(
    item: dict, at: str, taken: set, fallback: str, errors: dict, taken_message: str
) -> None:
    key = item.get("key")
    if key is None:
        item["key"] = make_key(item["name"], taken, fallback)
    elif not KEY.match(key):
        _add(errors, f"{at}.key", _("Use lower-case letters, digits, - and _."))
    elif key in taken:
        _add(errors, f"{at}.key", taken_message)
    taken.add(item["key"])
