"""Keeping schemes consistent with the fields they score (metamodel signals).

- A field a parameter scores is not trashed without confirmation; once trashed, the
  parameter scores nothing (the scheme shows it as unavailable) until the field is
  restored or the parameter removed. Either way every record is re-scored.
- A type change moves the parameter to the new field when the new type is scored the
  same way and the parameter's values still fit it; otherwise it is refused, so a scheme
  never scores a field by rules that do not fit it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.metamodel.exceptions import FieldInUse
from modules.metamodel.runtime.specs import FieldSpec
from modules.metamodel.signals import field_replaced, field_state_changed, field_trashing
from modules.segmentation.kinds import kind_of, parameter_kinds
from modules.segmentation.models import Parameter, Scheme
from modules.segmentation.services import SegmentationService


def _names(parameters) -> str:
    return ", ".join(f"'{p.name}'" for p in parameters)


def refuse_unconfirmed_trash(sender, field, confirmed, **kwargs) -> None:
    """Warn before trashing a field that a segmentation parameter scores."""
    used = list(Parameter.objects.filter(field=field))
    if used and not confirmed:
        raise FieldInUse(
            _(
                "The segmentation parameter %(names)s scores this field. Confirm to move it "
                "to the trash anyway: the parameter then gives no points until you restore "
                "the field or remove the parameter, and every record is re-scored."
            )
            % {"names": _names(used)},
            field="api_name",
            extra={"segmentation_parameters": [p.name for p in used]},
        )


def rescore_after_field_change(sender, field, **kwargs) -> None:
    """A scored field left or came back: re-score every record of its type."""
    for scheme in Scheme.objects.filter(parameters__field=field).distinct():
        SegmentationService.schedule_recompute(scheme)


def follow_type_change(sender, old, new, **kwargs) -> None:
    """Move parameters from the old field to the converted one, or refuse the change."""
    used = list(Parameter.objects.filter(field=old))
    if not used:
        return
    spec = FieldSpec.from_row(new)
    kind = kind_of(spec)
    schemes = set()
    for parameter in used:
        rules = None
        if kind is not None and kind.type == parameter.type:
            rules = parameter_kinds.get(parameter.type).rebind(parameter, spec)
        if rules is None:
            raise FieldInUse(
                _(
                    "The segmentation parameter '%(name)s' scores this field by rules a "
                    "%(type)s field cannot have. Remove the parameter or change its rules first."
                )
                % {"name": parameter.name, "type": new.type_class.label},
                field="type",
                extra={"segmentation_parameters": [parameter.name]},
            )
        for name, value in rules.items():
            setattr(parameter, name, value)
        parameter.field = new
        parameter.save()
        schemes.add(parameter.scheme_id)
    for scheme in Scheme.objects.filter(pk__in=schemes):
        scheme.version += 1
        scheme.definition = SegmentationService.payload(scheme)
        scheme.save()
        SegmentationService.schedule_recompute(scheme)


def connect() -> None:
    """Connect the receivers (once, when the app is ready)."""
    field_trashing.connect(refuse_unconfirmed_trash, dispatch_uid="segmentation-trash")
    field_state_changed.connect(rescore_after_field_change, dispatch_uid="segmentation-state")
    field_replaced.connect(follow_type_change, dispatch_uid="segmentation-type")
