"""Request and response bodies of the sales API.

    body = PipelineInputSerializer(data=request.data)   # strict: unknown keys refused
    body.is_valid(raise_exception=True)                 # 400 per field (`stages.0.name`)

The input serializers check JSON types and ranges; `SalesService` checks what needs the
whole payload or the database (duplicate names, weights adding up to zero, templates,
stages holding records) and answers errors keyed the same way.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.api.serializers import (
    LabelField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from modules.sales.models import Completers, NoteRule, Notify

KEY = r"^[a-z0-9][a-z0-9_-]{0,62}$"
COLOUR = r"^#[0-9a-fA-F]{6}$"


class ActionInputSerializer(StrictSerializer):
    """One action of a stage."""

    key = StrictCharField(
        required=False, max_length=63, help_text=_("Stable key; made up if left out.")
    )
    name = LabelField()
    weight = StrictIntegerField(min_value=0, max_value=1000, required=False, default=1)
    mandatory = StrictBooleanField(required=False, default=False)
    completers = serializers.ChoiceField(
        choices=Completers.choices, required=False, default=Completers.EDITORS
    )
    completer_users = serializers.ListField(
        child=StrictIntegerField(min_value=1), required=False, default=list, max_length=200
    )
    note = serializers.ChoiceField(choices=NoteRule.choices, required=False, default=NoteRule.NONE)
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=Notify.choices), required=False, default=list
    )
    notify_users = serializers.ListField(
        child=StrictIntegerField(min_value=1), required=False, default=list, max_length=200
    )
    task_template = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=63,
        help_text=_("The key of a task template to create a task from when it is completed."),
    )


class StageInputSerializer(StrictSerializer):
    """One stage of a pipeline, with its actions in order."""

    key = StrictCharField(
        required=False, max_length=63, help_text=_("Stable key; made up if left out.")
    )
    name = LabelField()
    probability = StrictIntegerField(min_value=0, max_value=100, required=False, default=0)
    colour = serializers.RegexField(COLOUR, required=False, default="#4a90d9")
    actions = ActionInputSerializer(many=True, required=False, default=list, max_length=100)


class PipelineInputSerializer(StrictSerializer):
    """A whole pipeline, as created or replaced."""

    entity_type = StrictCharField(required=False, default="deals", help_text=_("Create only."))
    key = StrictCharField(required=False, max_length=63)
    name = LabelField()
    position = StrictIntegerField(required=False, min_value=0, max_value=10000)
    segments = serializers.ListField(
        child=StrictCharField(max_length=64),
        required=False,
        default=list,
        help_text=_("Segments whose new records start in this pipeline."),
    )
    stages = StageInputSerializer(many=True, max_length=100)
    version = StrictIntegerField(required=False, help_text=_("Replace only: the version read."))
    reassign = serializers.DictField(
        child=StrictCharField(),
        required=False,
        default=dict,
        help_text=_("Replace only: removed stage key -> the stage key its records move to."),
    )


class ActionSerializer(serializers.Serializer):
    """An action as the API shows it."""

    key = serializers.CharField()
    name = LabelField()
    weight = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    completers = serializers.ChoiceField(choices=Completers.choices)
    completer_users = serializers.ListField(child=serializers.IntegerField())
    note = serializers.ChoiceField(choices=NoteRule.choices)
    notify = serializers.ListField(child=serializers.ChoiceField(choices=Notify.choices))
    notify_users = serializers.ListField(child=serializers.IntegerField())
    task_template = serializers.CharField()


class StageSerializer(serializers.Serializer):
    """A stage as the API shows it."""

    key = serializers.CharField()
    name = LabelField()
    probability = serializers.IntegerField()
    colour = serializers.CharField()
    actions = ActionSerializer(many=True)


class PipelineSerializer(serializers.Serializer):
    """A pipeline as the API shows it."""

    id = serializers.IntegerField()
    entity_type = serializers.CharField()
    key = serializers.CharField()
    name = LabelField()
    position = serializers.IntegerField()
    segments = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    stages = StageSerializer(many=True)


class PipelineListSerializer(serializers.Serializer):
    """Every pipeline (of one type)."""

    results = PipelineSerializer(many=True)


class DeleteInputSerializer(StrictSerializer):
    """Where the records of a removed pipeline go."""

    reassign = serializers.DictField(child=StrictCharField(), required=False, default=dict)


class LostReasonSerializer(StrictSerializer):
    """One lost reason."""

    key = StrictCharField(required=False, max_length=63)
    name = LabelField()


class LostReasonsSerializer(StrictSerializer):
    """The list of lost reasons."""

    reasons = LostReasonSerializer(many=True, max_length=200)
    version = StrictIntegerField(required=False)


# -- a record's process, the board and the forecast --------------------------------


class VersionInput(StrictSerializer):
    """A step of the process: the record's version as read (409 when stale)."""

    version = StrictIntegerField(required=False, help_text=_("The record's version as read."))


class ActionInput(VersionInput):
    """An action to complete or reopen, with the note it may ask for."""

    action = StrictCharField(max_length=63)
    note = StrictCharField(required=False, allow_blank=True, max_length=10000)


class CompleteInput(ActionInput):
    """A completion, with the file an action may ask for (multipart only)."""

    file = serializers.FileField(required=False, help_text=_("Multipart only."))


class MoveInput(VersionInput):
    """The stage to move to, of the record's pipeline."""

    stage = StrictCharField(max_length=63)


class LoseInput(VersionInput):
    """The lost reason's key."""

    reason = StrictCharField(max_length=63)


class MultipartCompleteInput(serializers.Serializer):
    """A completion sent as a form: the same keys, as text."""

    action = serializers.CharField(max_length=63)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    version = serializers.IntegerField(required=False)
    file = serializers.FileField(required=False)


class ProcessActionSerializer(serializers.Serializer):
    """One action of the process: done or not, by whom and when."""

    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    note = serializers.CharField()
    done = serializers.BooleanField()
    completed_by = serializers.CharField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completion_note = serializers.CharField()
    file = serializers.CharField(allow_null=True)
    may_complete = serializers.BooleanField()


class ProcessStageSerializer(serializers.Serializer):
    """One stage of the process, with its actions."""

    key = serializers.CharField()
    name = serializers.CharField()
    probability = serializers.IntegerField()
    colour = serializers.CharField()
    current = serializers.BooleanField()
    actions = ProcessActionSerializer(many=True)


class ProcessSerializer(serializers.Serializer):
    """A record's process as its panel shows it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    pipeline = serializers.DictField()
    stage = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "won", "lost"])
    lost_reason = serializers.CharField(allow_null=True)
    locked = serializers.BooleanField()
    progress = serializers.IntegerField()
    stage_since = serializers.DateTimeField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
    may = serializers.DictField(child=serializers.BooleanField())
    stages = ProcessStageSerializer(many=True)


class TotalSerializer(serializers.Serializer):
    """The sum and the weighted sum of one currency's values."""

    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=24, decimal_places=2)
    weighted = serializers.DecimalField(max_digits=24, decimal_places=2)


class CardSerializer(serializers.Serializer):
    """One card of the board; value and progress only where the reader may open it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    restricted = serializers.BooleanField()
    value = serializers.DictField(allow_null=True)
    owner = serializers.DictField(allow_null=True)
    progress = serializers.IntegerField(allow_null=True)
    days_in_stage = serializers.IntegerField(allow_null=True)


class ColumnSerializer(serializers.Serializer):
    """One stage of the board: counts, totals and a page of cards."""

    stage = serializers.CharField()
    name = serializers.CharField()
    colour = serializers.CharField()
    probability = serializers.IntegerField()
    count = serializers.IntegerField()
    totals = TotalSerializer(many=True)
    cards = CardSerializer(many=True)
    next = serializers.IntegerField(
        allow_null=True, help_text=_("`cursor` for this column's next cards.")
    )


class BoardSerializer(serializers.Serializer):
    """A pipeline's board."""

    pipeline = serializers.DictField()
    columns = ColumnSerializer(many=True)


class ForecastRowSerializer(serializers.Serializer):
    """One group of the forecast."""

    key = serializers.JSONField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    totals = TotalSerializer(many=True)


class ForecastSerializer(serializers.Serializer):
    """The forecast, grouped as asked."""

    by = serializers.CharField()
    rows = ForecastRowSerializer(many=True)
