"""The base of every record filterset: a value no filter can use is a 400 naming its parameter.

    filterset = type("PersonsFilterSet", (RecordFilterSet,), {...filters...})
    filterset(request.query_params, queryset=rows, request=request).qs  # may raise 400

django-filter checks a value's form (a number, a date), not whether the database or
the lookup can take it: `?born__year=0`, `?amount__gt=1e999999` or a date-time at
+16:00 pass the form and fail the query, a 500. Here every value is made storable
(`core.values`) as the form is cleaned, and the SQL of each filter is built at once,
so a lookup that cannot use its value fails here, while the parameter is still known,
and not later in the page query.
"""

from __future__ import annotations

import contextlib

import django_filters
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from modules.core.values import StorableFilterSetMixin

#: What building a filter's SQL raises for a value it cannot use.
VALUE_ERRORS = (ValueError, TypeError, OverflowError, ArithmeticError, DjangoValidationError)


def _build_sql(queryset) -> None:
    """Compile the query without running it: lookups convert their values here."""
    with contextlib.suppress(EmptyResultSet, FullResultSet):
        queryset.query.get_compiler(queryset.db).as_sql()


class RecordFilterSet(StorableFilterSetMixin, django_filters.FilterSet):
    """A FilterSet whose every value reaches the database only if the database can take it."""

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            try:
                queryset = self.filters[name].filter(queryset, value)
                _build_sql(queryset)
            except VALUE_ERRORS:
                raise ValidationError(
                    {name: [_("This value cannot be used with this filter.")]}
                ) from None
        return queryset
