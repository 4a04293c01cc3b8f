"""Text compared without case and diacritics: "Wrobel" finds "Wróbel", "LODZ" finds "Łódź".

    Q(last_name__folded_contains="wrob")     # tessera_fold(column) LIKE '%wrob%'
    Q(last_name__folded_startswith="wro")    # … LIKE 'wro%'
    Q(last_name__folded_exact="wrobel")      # … = 'wrobel'
    fold("Wróbel") == "wrobel"

The column side is folded in SQL by `tessera_fold(text)`: on PostgreSQL an immutable SQL
function over the `unaccent` extension (migration `metamodel.0005`), so trigram indexes on
`tessera_fold(column)` serve the condition; on SQLite a Python function registered on every
new connection (`register_sqlite_function`). The searched text is folded here, in Python,
the same way.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Lookup, TextField

FUNCTION = "tessera_fold"

#: Letters that carry no combining mark to strip (NFKD leaves them whole); unaccent maps them.
_LETTERS = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "\u0131": "i"}
)


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """`text` in lower case without diacritics."""
    return _strip(_strip(text).lower().translate(_LETTERS))


class _Folded(Lookup):
    """`tessera_fold(lhs)` compared with the folded value."""

    #: The comparison, with `%s` for the folded value's placeholder.
    operator = ""

    def pattern(self, value: str, connection) -> str:
        return value

    def get_db_prep_lookup(self, value, connection):
        return "%s", [self.pattern(fold(str(value)), connection)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        escape = " ESCAPE '\\'" if "LIKE" in self.operator and connection.vendor == "sqlite" else ""
        return f"{FUNCTION}({lhs}) {self.operator % rhs}{escape}", (*lhs_params, *rhs_params)


class FoldedContains(_Folded):
    """The folded column holds the folded value."""

    lookup_name = "folded_contains"
    operator = "LIKE %s"

    def pattern(self, value, connection):
        return f"%{connection.ops.prep_for_like_query(value)}%"


class FoldedStartsWith(_Folded):
    """The folded column starts with the folded value."""

    lookup_name = "folded_startswith"
    operator = "LIKE %s"

    def pattern(self, value, connection):
        return f"{connection.ops.prep_for_like_query(value)}%"


class FoldedExact(_Folded):
    """The folded column equals the folded value."""

    lookup_name = "folded_exact"
    operator = "= %s"


def register_lookups() -> None:
    """Make the folded lookups available on text columns."""
    for field in (CharField, TextField):
        for lookup in (FoldedContains, FoldedStartsWith, FoldedExact):
            field.register_lookup(lookup)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite gets `tessera_fold` as a Python function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            FUNCTION, 1, lambda text: None if text is None else fold(text), deterministic=True
        )


#: PostgreSQL: the function and the extensions it and the search indexes need.
POSTGRES_SQL = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""
