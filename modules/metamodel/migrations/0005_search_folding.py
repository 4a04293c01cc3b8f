"""Search without case or diacritics on PostgreSQL: the `unaccent` and `pg_trgm` extensions,
the immutable `tessera_fold(text)` function (`modules/core/folding.py`) and a trigram index
on `tessera_fold(column)` of every searchable field of the tables that exist already (new
fields get theirs from `ddl.Tables.add_columns`). Nothing on SQLite, whose connections get
the function from Python."""

from django.db import migrations

from modules.core.folding import POSTGRES_SQL


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from modules.metamodel.ddl import search_index_sql
    from modules.metamodel.field_types import field_types

    schema_editor.execute(POSTGRES_SQL)
    fields = apps.get_model("metamodel", "FieldDefinition").objects.filter(
        entity_type__deleted_at__isnull=True, deleted_at__isnull=True
    )
    existing = set(schema_editor.connection.introspection.table_names())
    for field in fields:
        if field.type not in field_types or not field_types.get(field.type).searchable:
            continue
        table = f"ent_{field.entity_type_id}"
        if table in existing:
            schema_editor.execute(search_index_sql(table, f"f_{field.pk}", concurrently=False))


class Migration(migrations.Migration):
    dependencies = [("metamodel", "0004_entity_type_list_columns")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
