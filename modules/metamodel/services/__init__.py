"""SchemaService: the only writer of metadata, and through `ddl` the only code running DDL.

    service = SchemaService()
    persons = service.create_entity_type(admin, slug="persons", label="Person",
                                         label_plural="Persons")
    service.add_field(admin, "persons", api_name="potential", label="Sales potential",
                      type="integer")

Order inside each change: check permission, validate, write metadata, DDL, bump the
schema version; all in one transaction, so bad input changes nothing.
"""

from modules.metamodel.services.entity_types import EntityTypeChanges
from modules.metamodel.services.fields import FieldChanges
from modules.metamodel.services.support import FEATURES
from modules.metamodel.services.type_changes import TypeChanges

__all__ = ["FEATURES", "SchemaService"]


class SchemaService(EntityTypeChanges, FieldChanges, TypeChanges):
    """Creates and changes entity types and fields; every change bumps the schema version."""
