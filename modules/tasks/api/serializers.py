"""Bodies of the task endpoints: request shapes checked strictly, and the answers.

`TaskService`, `TemplateService` and `ConfigurationService` check the rules and name
each problem; these serializers check JSON types and the OpenAPI document reads them.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.api.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from modules.tasks.models import Assignee, Priority
from modules.tasks.services import MAX_LINKS, MAX_MEMBERS, MAX_REMINDERS

ID = {"min_value": 1, "max_value": 2**63 - 1}


def id_field(**kwargs):
    """A JSON integer id."""
    return StrictIntegerField(**ID, **kwargs)


class LinkSerializer(StrictSerializer):
    """A record a task is about."""

    entity = StrictCharField(max_length=63, help_text=_("The entity type's slug, e.g. deals."))
    id = id_field(help_text=_("The record's id."))


class MembersSerializer(StrictSerializer):
    """Users and teams taking part in a task."""

    users = serializers.ListField(child=id_field(), required=False, max_length=MAX_MEMBERS)
    teams = serializers.ListField(child=id_field(), required=False, max_length=MAX_MEMBERS)


class TaskInputSerializer(StrictSerializer):
    """A task to create (or, in a PATCH, the keys to change)."""

    name = StrictCharField(max_length=255)
    description = StrictCharField(required=False, allow_blank=True, max_length=20000)
    type = id_field(required=False, allow_null=True, help_text=_("A task type's id."))
    status = id_field(
        required=False, allow_null=True, help_text=_("A status's id (statuses switched on).")
    )
    priority = serializers.ChoiceField(choices=Priority.values, required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    all_day = StrictBooleanField(required=False)
    time_zone = StrictCharField(
        required=False, max_length=64, help_text=_("Where the dates are, e.g. Europe/Warsaw.")
    )
    responsible = id_field(required=False, help_text=_("A user's id; default: you."))
    members = MembersSerializer(required=False)
    private = StrictBooleanField(
        required=False, help_text=_("Seen only by the responsible user and the members.")
    )
    repetition = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO; empty: no repetition."),
    )
    reminders = serializers.ListField(
        child=serializers.DateTimeField(), required=False, max_length=MAX_REMINDERS
    )
    links = serializers.ListField(child=LinkSerializer(), required=False, max_length=MAX_LINKS)


class TaskPatchSerializer(TaskInputSerializer):
    """A task's keys to change, and the version they were read at."""

    version = id_field(required=False, help_text=_("The version you read; 409 if it moved."))


class DoneInputSerializer(StrictSerializer):
    """Done or not done."""

    done = StrictBooleanField()
    version = id_field(required=False)


class NamedSerializer(serializers.Serializer):
    """An id and a name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class LinkedSerializer(serializers.Serializer):
    """A linked record the caller may see."""

    entity = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    restricted = serializers.BooleanField()


class TaskSerializer(serializers.Serializer):
    """A task as the API shows it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    type = NamedSerializer(allow_null=True)
    status = NamedSerializer(allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.values)
    starts_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    all_day = serializers.BooleanField()
    time_zone = serializers.CharField()
    responsible = NamedSerializer()
    members = MembersSerializer()
    private = serializers.BooleanField()
    repetition = serializers.CharField()
    reminders = serializers.ListField(child=serializers.DateTimeField())
    links = LinkedSerializer(many=True)
    done = serializers.BooleanField()
    done_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TaskPageSerializer(serializers.Serializer):
    """A page of tasks."""

    results = TaskSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class TypeInputSerializer(StrictSerializer):
    """A task type (or status) to create, or the keys to change."""

    name = StrictCharField(max_length=100)
    position = StrictIntegerField(required=False, min_value=0, max_value=2**31 - 1)


class StatusInputSerializer(TypeInputSerializer):
    """A status: also whether it means done."""

    is_done = StrictBooleanField(required=False)


class TypeSerializer(serializers.Serializer):
    """A task type."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField()


class StatusSerializer(TypeSerializer):
    """A task status."""

    is_done = serializers.BooleanField()


class SettingsSerializer(StrictSerializer):
    """The task settings."""

    statuses_enabled = StrictBooleanField()


class TemplateInputSerializer(StrictSerializer):
    """A task template to create, or the keys to change."""

    name = StrictCharField(max_length=100)
    key = StrictCharField(
        required=False,
        allow_null=True,
        max_length=63,
        help_text=_("What a sales action names to trigger it; default: from the name."),
    )
    task_name = StrictCharField(max_length=255)
    description = StrictCharField(required=False, allow_blank=True, max_length=20000)
    type = id_field(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.values, required=False)
    due_in_days = StrictIntegerField(
        required=False, min_value=0, max_value=3650, help_text=_("Days after the moment.")
    )
    due_time = serializers.TimeField(
        required=False, allow_null=True, help_text=_("Time of day; none: all day.")
    )
    private = StrictBooleanField(required=False)
    assignee = serializers.ChoiceField(choices=Assignee.values, required=False)
    entity_types = serializers.ListField(
        child=StrictCharField(max_length=63),
        required=False,
        max_length=100,
        help_text=_("Slugs of the entity types it is offered on; empty: all."),
    )


class TemplateSerializer(serializers.Serializer):
    """A task template."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    key = serializers.CharField(allow_null=True)
    task_name = serializers.CharField()
    description = serializers.CharField()
    type = serializers.IntegerField(allow_null=True)
    priority = serializers.CharField()
    due_in_days = serializers.IntegerField()
    due_time = serializers.TimeField(allow_null=True)
    private = serializers.BooleanField()
    assignee = serializers.CharField()
    entity_types = serializers.ListField(child=serializers.CharField())


class SetInputSerializer(StrictSerializer):
    """A task set to create, or the keys to change."""

    name = StrictCharField(max_length=100)
    post_sale = StrictBooleanField(required=False)
    templates = serializers.ListField(child=id_field(), required=False, max_length=100)


class SetSerializer(serializers.Serializer):
    """A task set."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    post_sale = serializers.BooleanField()
    templates = serializers.ListField(child=serializers.IntegerField())


class ApplyInputSerializer(StrictSerializer):
    """The record to make the tasks on."""

    entity = StrictCharField(max_length=63)
    id = id_field()


class FeedSerializer(serializers.Serializer):
    """The caller's calendar feed."""

    active = serializers.BooleanField()
    url = serializers.URLField(
        allow_null=True, help_text=_("Shown only when made; keep it secret.")
    )
