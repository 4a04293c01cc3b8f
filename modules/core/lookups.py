"""Lookups the ORM does not have.

    queryset.filter(InArray(F("owner_id"), ids))     # owner_id = ANY(%s) on PostgreSQL

`__in` prepares, binds and quotes each value on its own: for a list of hundreds of ids
that costs milliseconds on every query that carries it (a manager's team members in
every list of records). `InArray` sends the whole list as one array parameter on
PostgreSQL; elsewhere it is the same `IN (…)` as `__in`.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup


class InArray(Lookup):
    """`lhs` is one of `rhs`, a list of plain values (ints, strings) already of the
    column's type: they are not prepared value by value."""

    lookup_name = "in_array"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", (*params, *self.rhs)

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)
