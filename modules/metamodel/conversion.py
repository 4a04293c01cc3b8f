"""Changing a field's type: which values convert, and copying them to the new column.

result = run(model, old_spec, new_spec, write=False)   # a preview, changes nothing
result.failing, result.samples                           # values that would not convert

The new column is written through the record service's writer (`metamodel.rows`): a
conversion bumps no record's version and writes no history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modules.metamodel import rows as rows_writer
from modules.metamodel.field_types import ConversionError

BATCH = 1000
SAMPLE_SIZE = 20


@dataclass
class ConversionPreview:
    """What a type change does to the stored values."""

    total: int = 0
    converted: int = 0
    failing: int = 0
    samples: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "converted": self.converted,
            "failing": self.failing,
            "samples": self.samples,
        }


def run(model, old, new, *, write: bool) -> ConversionPreview:
    """Convert every stored value of `old` to `new`'s type; with `write`, store them.

    Values that do not convert are counted (with samples) and left empty.
    """
    old_type, new_type = old.type_class, new.type_class
    new_names = new_type.attribute_names(new.api_name)
    rows = model.objects.exclude(**{f"{old.api_name}__isnull": True}).only(
        "id", *old_type.attribute_names(old.api_name)
    )
    result, batch = ConversionPreview(), []
    for row in rows.order_by("id").iterator(chunk_size=BATCH):
        value = old_type.get_value(row, old)
        result.total += 1
        try:
            converted = new_type.convert_from(old_type, old, new, value)
        except ConversionError as error:
            result.failing += 1
            if len(result.samples) < SAMPLE_SIZE:
                result.samples.append(
                    {
                        "id": row.pk,
                        "value": old_type.to_text(old, value, viewer=None),
                        "error": str(error),
                    }
                )
            continue
        result.converted += 1
        if write:
            target = model(pk=row.pk)
            new_type.set_value(target, new, converted)
            batch.append(target)
            if len(batch) >= BATCH:
                rows_writer.store_columns(model, batch, new_names)
                batch = []
    if batch:
        rows_writer.store_columns(model, batch, new_names)
    return result
