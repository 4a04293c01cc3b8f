"""An amount with its currency: `{"amount": "1200.00", "currency": "PLN"}`.

Two columns: the amount in `f_<id>` and the currency in `f_<id>_currency`.
"""

import functools
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.core import formats
from modules.metamodel.exceptions import InvalidFieldOptions
from modules.metamodel.field_types.decimal import DecimalType
from modules.metamodel.field_types.integer import parse_number_text

# maxLength: Python's `$` also matches before a final newline, which the column cannot hold.
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "maxLength": 3}
_TEXT = re.compile(r"^\s*(?P<amount>.*?)\s*(?P<currency>[A-Za-z]{3})?\s*$", re.DOTALL)


@functools.cache
def money_serializer(places: int) -> type[serializers.Serializer]:
    """One `Money<places>` component per precision, shared by every money field."""
    return type(
        f"Money{places}",
        (serializers.Serializer,),
        {
            "amount": serializers.DecimalField(
                max_digits=DecimalType.whole_digits + places,
                decimal_places=places,
                coerce_to_string=True,
            ),
            "currency": serializers.CharField(min_length=3, max_length=3),
        },
    )


class MoneyType(DecimalType):
    type = "money"
    label = _("Money")
    can_be_unique = False
    max_places = 4
    options_schema = {
        "type": "object",
        "properties": {
            "currencies": {
                "type": "array",
                "items": CURRENCY,
                "minItems": 1,
                "uniqueItems": True,
                "default": ["PLN", "EUR", "USD"],
            },
            "default_currency": {**CURRENCY, "default": "PLN"},
            "decimal_places": {"type": "integer", "minimum": 0, "maximum": 4, "default": 2},
            "min": {"type": "number"},
            "max": {"type": "number"},
        },
        "additionalProperties": False,
    }
    convertible_to = frozenset({"decimal", "integer", "text", "long_text"})

    def check_options(self, options):
        super().check_options(options)
        if options["default_currency"] not in options["currencies"]:
            raise InvalidFieldOptions(
                _("The default currency must be one of the currencies."),
                field="options.default_currency",
            )

    def serializer_field(self, field):
        return money_serializer(field.options.get("decimal_places", 2))(
            **self.serializer_kwargs(field)
        )

    def form_initial(self, field, value, *, viewer):
        if value is None:
            return None
        data = self.to_json(field, value)
        return {"amount": Decimal(data["amount"]), "currency": data["currency"]}

    def export_value(self, field, value, *, viewer):
        return self.to_text(field, value, viewer=viewer)

    def display_text(self, field, value, *, viewer):
        if value is None:
            return ""
        data = self.to_json(field, value)
        places = field.options.get("decimal_places", 2)
        return formats.money(Decimal(data["amount"]), data["currency"], places)

    def spreadsheet_cell(self, field, value, *, viewer):
        if value is None:
            return None, "General"
        data = self.to_json(field, value)
        places = field.options.get("decimal_places", 2)
        return Decimal(data["amount"]), formats.excel_number_format(places, data["currency"])

    def admin_form_field(self, field):
        form_field = super().admin_form_field(field)
        return MoneyFormField(
            field.options.get("currencies", ["PLN"]),
            field.options.get("decimal_places", 2),
            required=form_field.required,
            label=form_field.label,
            help_text=form_field.help_text,
        )

    def currency_attribute(self, api_name: str) -> str:
        return f"{api_name}_currency"

    def attribute_names(self, api_name):
        return [api_name, self.currency_attribute(api_name)]

    def model_fields(self, field, target_model=None):
        fields = super().model_fields(field, target_model)
        fields[self.currency_attribute(field.api_name)] = models.CharField(
            max_length=3,
            null=True,
            blank=True,
            db_column=f"{field.column}_currency",
            verbose_name=_("currency"),
        )
        return fields

    def get_value(self, instance, field):
        amount = getattr(instance, field.api_name)
        if amount is None:
            return None
        return {
            "amount": amount,
            "currency": getattr(instance, self.currency_attribute(field.api_name)),
        }

    def segmentation_value(self, field, value):
        """Segmentation scores the amount (the field's own column), whatever the currency."""
        return None if value is None else value["amount"]

    def set_value(self, instance, field, value):
        value = value or {"amount": None, "currency": None}
        setattr(instance, field.api_name, value["amount"])
        setattr(instance, self.currency_attribute(field.api_name), value["currency"])

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if isinstance(value, dict):
            unknown = set(value) - {"amount", "currency"}
            if unknown:
                raise ValidationError(_("Give only an amount and a currency."), code="invalid")
            amount, currency = value.get("amount"), value.get("currency")
        else:
            amount, currency = value, None
        currency = currency or field.options.get("default_currency", "PLN")
        if currency not in field.options.get("currencies", [currency]):
            raise ValidationError(
                _("%(currency)s is not an allowed currency."),
                params={"currency": currency},
                code="invalid_currency",
            )
        cleaned = super().clean(field, amount)
        if cleaned is None:
            return None
        return {"amount": cleaned, "currency": currency}

    def to_json(self, field, value):
        if value is None:
            return None
        return {
            "amount": str(
                Decimal(value["amount"]).quantize(
                    Decimal(1).scaleb(-field.options.get("decimal_places", 2))
                )
            ),
            "currency": value["currency"],
        }

    def to_text(self, field, value, *, viewer):
        if value is None:
            return ""
        data = self.to_json(field, value)
        return f"{data['amount']} {data['currency']}"

    def parse_text(self, field, text):
        if isinstance(text, str) and text.strip():
            match = _TEXT.match(text)
            currency = match["currency"].upper() if match["currency"] else None
            amount = parse_number_text(match["amount"])
            return self.clean(field, {"amount": amount, "currency": currency})
        return super().parse_text(field, text)


class MoneyWidget(forms.MultiWidget):
    """An amount box and a currency select side by side."""

    def __init__(self, currencies):
        super().__init__(
            [
                forms.NumberInput(attrs={"step": "any"}),
                forms.Select(choices=[(c, c) for c in currencies]),
            ]
        )

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get("amount"), value.get("currency")]
        return [None, None]


class MoneyFormField(forms.MultiValueField):
    """`{"amount", "currency"}` from the two inputs (empty amount: no value)."""

    def __init__(self, currencies, places, **kwargs):
        fields = (
            forms.DecimalField(decimal_places=places, required=False),
            forms.ChoiceField(choices=[(c, c) for c in currencies], required=False),
        )
        super().__init__(fields, widget=MoneyWidget(currencies), require_all_fields=False, **kwargs)
        # Each box is named for assistive technology (one label cannot point at two inputs).
        amount, currency = self.widget.widgets
        label = kwargs.get("label") or ""
        amount.attrs["aria-label"] = label
        currency.attrs["aria-label"] = format_lazy(_("{field}, currency"), field=label)

    def compress(self, data_list):
        if not data_list or data_list[0] in (None, ""):
            return None
        return {"amount": data_list[0], "currency": data_list[1] or None}
