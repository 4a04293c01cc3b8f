"""The field-type registry: cleaning, text round trips, options and conversions of every type."""

import datetime as dt
import json
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from modules.metamodel.exceptions import InvalidFieldOptions
from modules.metamodel.field_types import ConversionError, field_types
from modules.metamodel.field_types.integer import BIGINT
from modules.metamodel.models import EntityType
from modules.metamodel.runtime import get_model, get_snapshot
from modules.metamodel.runtime.specs import FieldSpec
from modules.records.services import RecordService

UTC = dt.UTC
WARSAW = ZoneInfo("Europe/Warsaw")
CHOICES = {
    "choices": [
        {"value": "hot", "label": {"en": "Hot", "pl": "Gorący"}},
        {"value": "cold", "label": "Cold"},
        {"value": "warm", "label": "Warm", "color": "#ffaa00"},
    ]
}
ALL_TYPES = [
    "text",
    "long_text",
    "integer",
    "decimal",
    "money",
    "percent",
    "date",
    "datetime",
    "boolean",
    "choice",
    "multi_choice",
    "email",
    "phone",
    "url",
    "user",
    "relation",
    "auto_number",
    "tags",
]
# Types whose values need no database (user and relation look records up).
PLAIN_TYPES = [t for t in ALL_TYPES if t not in ("user", "relation")]
NEEDS_OPTIONS = {"choice": CHOICES, "multi_choice": CHOICES, "relation": {"target": "companies"}}
examples = settings(max_examples=50, deadline=None)
examples_with_fixtures = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def spec(type_key, *, target_entity_id=None, **options):
    field_type = field_types.get(type_key)
    return FieldSpec(
        id=1,
        api_name="x",
        label="X",
        type=type_key,
        options=field_type.validate_options(options),
        target_entity_id=target_entity_id,
    )


def clean(type_key, value, **options):
    return field_types.get(type_key).clean(spec(type_key, **options), value)


def round_trip(type_key, field, value):
    field_type = field_types.get(type_key)
    return field_type.parse_text(field, field_type.to_text(field, value, viewer=None))


def case(type_key, value, expected, **options):
    return pytest.param(type_key, options, value, expected, id=f"{type_key}:{value!r}")


def bad(type_key, value, **options):
    return pytest.param(type_key, options, value, id=f"{type_key}:{value!r}"[:60])


# -- the registry ---------------------------------------------------------------------------------


def test_the_registry_holds_exactly_the_builtin_types():
    assert sorted(field_types.keys()) == sorted(ALL_TYPES)
    assert all(field_types.get(key).type == key for key in ALL_TYPES)


def test_an_unknown_type_raises_the_registrys_does_not_exist():
    with pytest.raises(field_types.DoesNotExist):
        field_types.get("spreadsheet")


# -- valid values are cleaned to what is stored ---------------------------------------------------


@pytest.mark.parametrize(
    ("type_key", "options", "value", "expected"),
    [
        case("text", "  Acme  ", "Acme"),
        case("text", "abc", "abc", max_length=3),
        case("text", 12, "12"),
        case("long_text", "  indented\nsecond line\n", "  indented\nsecond line\n"),
        case("integer", 42, 42),
        case("integer", "1200", 1200),
        case("integer", 3.0, 3),
        case("integer", BIGINT, BIGINT),
        case("integer", -BIGINT, -BIGINT),
        case("integer", 10, 10, min=0, max=10),
        case("decimal", "12.5", Decimal("12.5")),
        case("decimal", 0.1, Decimal("0.1")),
        case("decimal", 7, Decimal(7)),
        case("decimal", "-0.000001", Decimal("-0.000001"), decimal_places=6),
        case("decimal", "999999999999999999.99", Decimal("999999999999999999.99")),
        case("money", 12, {"amount": Decimal(12), "currency": "PLN"}),
        case("money", "9.99", {"amount": Decimal("9.99"), "currency": "PLN"}),
        case(
            "money",
            {"amount": "9.99", "currency": "EUR"},
            {"amount": Decimal("9.99"), "currency": "EUR"},
        ),
        case(
            "money",
            5,
            {"amount": Decimal(5), "currency": "EUR"},
            currencies=["EUR", "USD"],
            default_currency="EUR",
        ),
        case("money", {"amount": None, "currency": "EUR"}, None),
        case("percent", "12.5", Decimal("12.5")),
        case("percent", 100, Decimal(100)),
        case("date", "2024-03-01", dt.date(2024, 3, 1)),
        case("date", "01.03.2024", dt.date(2024, 3, 1)),
        case("date", "01/03/2024", dt.date(2024, 3, 1)),
        case("date", "01-03-2024", dt.date(2024, 3, 1)),
        case("date", dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
        case("date", dt.datetime(2024, 3, 1, 23, 0), dt.date(2024, 3, 1)),
        case("date", "2024-03-01T10:00:00Z", dt.date(2024, 3, 1)),
        case("boolean", True, True),
        case("boolean", False, False),
        case("boolean", "tak", True),
        case("boolean", "nie", False),
        case("boolean", "yes", True),
        case("boolean", " No ", False),
        case("boolean", "0", False),
        case("boolean", "1", True),
        case("boolean", 0, False),
        case("boolean", "x", True),
        case("boolean", "off", False),
        case("choice", "hot", "hot", **CHOICES),
        case("multi_choice", ["cold", "hot", "cold"], ["hot", "cold"], **CHOICES),
        case("multi_choice", "warm", ["warm"], **CHOICES),
        case("multi_choice", ("warm",), ["warm"], **CHOICES),
        case("email", "Jan.Kowalski@Example.COM", "Jan.Kowalski@example.com"),
        case("email", " ola@firma.pl ", "ola@firma.pl"),
        case("phone", "+48 600 100 200", "+48 600 100 200"),
        case("phone", "  (22)   555-01-02 ", "(22) 555-01-02"),
        case("phone", 600100200, "600100200"),
        case("url", "example.com/offer", "https://example.com/offer"),
        case("url", "http://example.com", "http://example.com"),
        case("auto_number", " INV-7 ", "INV-7"),
        case("auto_number", 17, "17"),
        case("tags", "vip; Vip, partner", ["vip", "partner"]),
        case("tags", ["  big   deal ", "Big Deal", "", "x"], ["big deal", "x"]),
        case("tags", ("a", "b"), ["a", "b"]),
    ],
)
def test_valid_values_are_cleaned_to_the_stored_value(type_key, options, value, expected):
    assert clean(type_key, value, **options) == expected


@pytest.mark.parametrize("type_key", PLAIN_TYPES)
@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values_are_stored_as_none(type_key, empty):
    assert clean(type_key, empty, **NEEDS_OPTIONS.get(type_key, {})) is None


@pytest.mark.parametrize("type_key", ["multi_choice", "tags", "money"])
@pytest.mark.parametrize("empty", [[], (), {}])
def test_empty_collections_are_stored_as_none(type_key, empty):
    assert clean(type_key, empty, **NEEDS_OPTIONS.get(type_key, {})) is None


def test_a_list_of_only_blank_tags_is_stored_as_none():
    assert clean("tags", [" ", "", "\t"]) is None


def test_naive_datetimes_become_aware_in_the_current_time_zone():
    # given
    with timezone.override(WARSAW):
        # when
        from_text = clean("datetime", "2024-03-01 10:00")
        from_object = clean("datetime", dt.datetime(2024, 7, 1, 10, 0))
        from_date = clean("datetime", dt.date(2024, 3, 1))
        aware = clean("datetime", "2024-03-01T10:00:00+00:00")
    # then
    assert from_text == dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert from_object == dt.datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    assert from_date == dt.datetime(2024, 2, 29, 23, 0, tzinfo=UTC)
    assert aware == dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert all(timezone.is_aware(v) for v in (from_text, from_object, from_date, aware))


def test_a_local_time_that_does_not_exist_is_refused():
    with timezone.override(WARSAW), pytest.raises(ValidationError):
        clean("datetime", "2024-03-31 02:30")


def test_an_aware_datetime_given_to_a_date_field_is_read_in_the_current_time_zone():
    with timezone.override(WARSAW):
        assert clean("date", dt.datetime(2024, 3, 1, 23, 30, tzinfo=UTC)) == dt.date(2024, 3, 2)


# -- invalid values are refused with ValidationError ----------------------------------------------


@pytest.mark.parametrize(
    ("type_key", "options", "value"),
    [
        bad("text", "abcd", max_length=3),
        bad("text", "a\x00b"),
        bad("long_text", "abcdef", max_length=5),
        bad("integer", True),
        bad("integer", False),
        bad("integer", 1.5),
        bad("integer", float("nan")),
        bad("integer", float("inf")),
        bad("integer", "abc"),
        bad("integer", "1.5"),
        bad("integer", [1]),
        bad("integer", BIGINT + 1),
        bad("integer", -BIGINT - 1),
        bad("integer", -1, min=0),
        bad("integer", 11, max=10),
        bad("decimal", True),
        bad("decimal", "abc"),
        bad("decimal", "NaN"),
        bad("decimal", "Infinity"),
        bad("decimal", "1.234"),
        bad("decimal", 1e-7),
        bad("decimal", 10**18),
        bad("decimal", "-0.01", min=0),
        bad("decimal", "100.01", max=100),
        bad("money", "abc"),
        bad("money", {"amount": "1", "currency": "GBP"}),
        bad("money", {"amount": "1", "currency": "eur"}),
        bad("money", {"amount": "1", "rate": 2}),
        bad("money", {"amount": "1.234", "currency": "EUR"}),
        bad("money", {"amount": True}),
        bad("money", 1, currencies=["EUR"], default_currency="EUR", min=2),
        bad("money", {"amount": 1, "currency": "PLN"}, currencies=["EUR"], default_currency="EUR"),
        bad("percent", "abc"),
        bad("percent", 10**8),
        bad("percent", "12.345"),
        bad("date", "2024-02-30"),
        bad("date", "tomorrow"),
        bad("date", "2024-13-01"),
        bad("date", "2024-03-01T25:00"),
        bad("date", "2024-02-30T10:00"),
        bad("date", "2024-03-01Tnoon"),
        bad("date", 5),
        bad("date", {"year": 2024}),
        bad("datetime", "2024-02-30 10:00"),
        bad("datetime", "2024-03-01T25:00"),
        bad("datetime", "soon"),
        bad("datetime", 1700000000),
        bad("datetime", ["2024-03-01"]),
        bad("boolean", "maybe"),
        bad("boolean", 2),
        bad("boolean", -1),
        bad("boolean", 1.0),
        bad("boolean", []),
        bad("boolean", " "),
        bad("choice", "frozen", **CHOICES),
        bad("choice", "HOT", **CHOICES),
        bad("choice", "Hot", **CHOICES),
        bad("choice", 1, **CHOICES),
        bad("choice", ["hot"], **CHOICES),
        bad("multi_choice", ["hot", "frozen"], **CHOICES),
        bad("multi_choice", 5, **CHOICES),
        bad("multi_choice", {"hot": True}, **CHOICES),
        bad("email", "not-an-email"),
        bad("email", "a@"),
        bad("email", "a@b@c.pl"),
        bad("phone", "+48 600 CALL ME"),
        bad("phone", "12-34"),
        bad("phone", "1" * 33),
        bad("phone", "++48 600 100 200"),
        bad("phone", True),
        bad("url", "not a url"),
        bad("url", "http://"),
        bad("url", "javascript:alert(1)"),
        bad("url", "https://" + "a" * 2000 + ".com"),
        bad("auto_number", "x" * 65),
        bad("tags", ["x" * 51]),
        bad("tags", [f"tag {i}" for i in range(51)]),
        bad("tags", [1, 2]),
        bad("tags", [None]),
        bad("tags", 5),
        bad("tags", {"a": 1}),
        bad("tags", ["a,b"]),
        bad("tags", ["a;b"]),
    ],
)
def test_invalid_values_are_refused(type_key, options, value):
    with pytest.raises(ValidationError):
        clean(type_key, value, **options)


def test_fifty_tags_are_allowed_and_the_fifty_first_is_refused():
    # given
    fifty = [f"tag {i}" for i in range(50)]
    # when / then
    assert clean("tags", fifty) == fifty
    assert clean("tags", [*fifty, "Tag 0"]) == fifty  # a repeat does not count
    with pytest.raises(ValidationError):
        clean("tags", [*fifty, "one more"])


def test_a_huge_list_of_tags_is_refused_without_comparing_every_pair():
    # given far more distinct tags than allowed
    tags = [f"t{i}" for i in range(20_000)]
    started = time.perf_counter()
    # when / then
    with pytest.raises(ValidationError):
        clean("tags", tags)
    assert time.perf_counter() - started < 1


def test_an_integer_text_with_a_huge_exponent_is_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(ValidationError):
        field_types.get("integer").parse_text(spec("integer"), "1e400000")
    assert time.perf_counter() - started < 1


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.from_regex(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?", fullmatch=True),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["amount", "currency", "x"]), children, max_size=2)
    ),
    max_leaves=4,
)


@pytest.mark.parametrize("type_key", PLAIN_TYPES)
@examples
@given(value=JSON_VALUES)
def test_any_json_value_is_cleaned_for_good_or_refused_with_validation_error(type_key, value):
    # given
    field = spec(type_key, **NEEDS_OPTIONS.get(type_key, {}))
    field_type = field_types.get(type_key)
    # when
    try:
        cleaned = field_type.clean(field, value)
    except ValidationError:
        return
    # then cleaning what was stored changes nothing
    assert field_type.clean(field, cleaned) == cleaned


@pytest.mark.parametrize("type_key", PLAIN_TYPES)
@examples
@given(text=st.text(max_size=40) | st.from_regex(r"[-+ ]?\d[\d ,.]{0,12}( ?[A-Za-z%]{1,3})?"))
@example(text="12\n50 EUR")
@example(text="2024-03-01T25:00")
@example(text="1e400")
def test_any_text_is_parsed_to_a_value_that_round_trips_or_is_refused(type_key, text):
    # given
    field = spec(type_key, **NEEDS_OPTIONS.get(type_key, {}))
    field_type = field_types.get(type_key)
    # when
    try:
        value = field_type.parse_text(field, text)
    except ValidationError:
        return
    # then what was parsed from text reads back the same from its own text
    assert round_trip(type_key, field, value) == value


# -- to_text and parse_text round-trip ------------------------------------------------------------


@examples
@given(number=st.integers(min_value=-BIGINT, max_value=BIGINT))
def test_integers_round_trip_through_text(number):
    field = spec("integer")
    assert round_trip("integer", field, clean("integer", number)) == number


def decimals_with_places(max_places, whole_digits):
    def numbers(places):
        top = Decimal(10**whole_digits) - Decimal(1).scaleb(-places)
        return st.tuples(
            st.just(places),
            st.decimals(min_value=-top, max_value=top, places=places),
        )

    return st.integers(min_value=0, max_value=max_places).flatmap(numbers)


@pytest.mark.parametrize(
    ("type_key", "max_places", "whole_digits"), [("decimal", 6, 18), ("percent", 4, 8)]
)
@examples
@given(data=st.data())
def test_decimals_with_the_fields_places_round_trip_through_text(
    type_key, max_places, whole_digits, data
):
    # given
    places, number = data.draw(decimals_with_places(max_places, whole_digits))
    field = spec(type_key, decimal_places=places)
    # when
    stored = field_types.get(type_key).clean(field, number)
    # then
    assert stored == number
    assert round_trip(type_key, field, stored) == stored


@examples
@given(
    amount=decimals_with_places(4, 18),
    currency=st.sampled_from(["PLN", "EUR", "USD"]),
)
def test_money_round_trips_through_text(amount, currency):
    # given
    places, number = amount
    field = spec("money", decimal_places=places)
    stored = clean("money", {"amount": number, "currency": currency}, decimal_places=places)
    # when / then
    assert stored == {"amount": number, "currency": currency}
    assert round_trip("money", field, stored) == stored


@pytest.mark.parametrize("type_key", ["text", "long_text", "auto_number"])
@examples
@given(text=st.text(st.characters(blacklist_characters="\x00"), max_size=300))
def test_texts_round_trip_through_text(type_key, text):
    # given
    field = spec(type_key)
    try:
        stored = field_types.get(type_key).clean(field, text)
    except ValidationError:
        return  # too long for the type
    # when / then
    assert round_trip(type_key, field, stored) == stored


@examples
@given(tags=st.lists(st.text(max_size=55), max_size=55))
def test_cleaned_tags_are_unique_trimmed_and_round_trip_through_text(tags):
    # given
    field = spec("tags")
    try:
        stored = clean("tags", tags)
    except ValidationError:
        return  # too many, too long or with a separator in a tag
    if stored is None:
        assert not any(t.strip() for t in tags)
        return
    # then
    folded = [t.casefold() for t in stored]
    assert len(folded) == len(set(folded)) <= 50
    assert all(t == " ".join(t.split()) and 0 < len(t) <= 50 for t in stored)
    assert round_trip("tags", field, stored) == stored


@examples
@given(day=st.dates())
def test_dates_round_trip_through_text(day):
    field = spec("date")
    assert round_trip("date", field, clean("date", day)) == day


@examples
@given(
    moment=st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [
                None,
                UTC,
                dt.timezone(dt.timedelta(hours=5, minutes=30)),
                dt.timezone(-dt.timedelta(hours=8)),
            ]
        ),
    )
)
def test_datetimes_round_trip_through_text(moment):
    # given
    field = spec("datetime")
    stored = clean("datetime", moment)
    # when / then
    assert timezone.is_aware(stored)
    assert round_trip("datetime", field, stored) == stored


@pytest.mark.parametrize(
    ("type_key", "options", "stored", "text"),
    [
        ("boolean", {}, True, "true"),
        ("boolean", {}, False, "false"),
        ("choice", CHOICES, "hot", "Hot"),
        ("choice", CHOICES, "warm", "Warm"),
        ("multi_choice", CHOICES, ["hot", "cold"], "Hot, Cold"),
        ("email", {}, "Jan@example.com", "Jan@example.com"),
        ("phone", {}, "+48 600 100 200", "+48 600 100 200"),
        ("url", {}, "https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("money", {}, {"amount": Decimal("1200.5"), "currency": "EUR"}, "1200.50 EUR"),
        ("decimal", {"decimal_places": 3}, Decimal("-12.5"), "-12.500"),
        ("percent", {}, Decimal("12.5"), "12.50"),
        ("datetime", {}, dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC), "2024-03-01T09:00:00+00:00"),
        ("tags", {}, ["vip", "big deal"], "vip, big deal"),
    ],
)
def test_to_text_writes_what_parse_text_reads(type_key, options, stored, text):
    field = spec(type_key, **options)
    assert field_types.get(type_key).to_text(field, stored, viewer=None) == text
    assert field_types.get(type_key).parse_text(field, text) == stored


@examples
@given(values=st.lists(st.sampled_from(["hot", "cold", "warm"]), max_size=5))
def test_multi_choices_round_trip_through_their_labels(values):
    field = spec("multi_choice", **CHOICES)
    stored = clean("multi_choice", values, **CHOICES)
    assert round_trip("multi_choice", field, stored) == stored


@pytest.mark.parametrize(
    ("type_key", "text", "expected"),
    [
        ("integer", "1 200", 1200),
        ("integer", "1\u00a0200", 1200),
        ("integer", "-7", -7),
        ("decimal", "1 234,50", Decimal("1234.50")),
        ("decimal", "1,234.50", Decimal("1234.50")),
        ("decimal", "12.50 PLN", Decimal("12.50")),
        ("percent", "12,5 %", Decimal("12.5")),
        ("money", "1 200,50 EUR", {"amount": Decimal("1200.50"), "currency": "EUR"}),
        ("money", "12.50 usd", {"amount": Decimal("12.50"), "currency": "USD"}),
        ("money", "12", {"amount": Decimal(12), "currency": "PLN"}),
        ("date", "01.03.2024", dt.date(2024, 3, 1)),
        ("boolean", "TAK", True),
        ("choice", "gorący", "hot"),
        ("choice", "  COLD ", "cold"),
        ("multi_choice", "Cold; hot", ["hot", "cold"]),
        ("tags", "a; b, A", ["a", "b"]),
        ("text", "  padded  ", "padded"),
        ("auto_number", " 7/2026 ", "7/2026"),
    ],
)
def test_parse_text_reads_text_as_people_write_it(type_key, text, expected):
    options = NEEDS_OPTIONS.get(type_key, {})
    assert field_types.get(type_key).parse_text(spec(type_key, **options), text) == expected


@pytest.mark.parametrize(
    ("type_key", "text"),
    [
        ("integer", "1,5"),
        ("integer", "big"),
        ("money", "12.50 GBP"),
        ("money", "EUR"),
        ("money", "12 mln"),
        ("choice", "frozen"),
        ("multi_choice", "hot, frozen"),
        ("boolean", "perhaps"),
    ],
)
def test_parse_text_refuses_text_that_names_no_value(type_key, text):
    options = NEEDS_OPTIONS.get(type_key, {})
    with pytest.raises(ValidationError):
        field_types.get(type_key).parse_text(spec(type_key, **options), text)


@pytest.mark.parametrize("type_key", PLAIN_TYPES)
def test_blank_text_parses_to_none_and_none_writes_blank_text(type_key):
    field = spec(type_key, **NEEDS_OPTIONS.get(type_key, {}))
    field_type = field_types.get(type_key)
    assert field_type.parse_text(field, "") is None
    assert field_type.to_text(field, None, viewer=None) == ""


# -- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_key", "defaults"),
    [
        ("text", {"max_length": 255}),
        ("long_text", {"max_length": 100000}),
        ("integer", {}),
        ("decimal", {"decimal_places": 2}),
        (
            "money",
            {"currencies": ["PLN", "EUR", "USD"], "default_currency": "PLN", "decimal_places": 2},
        ),
        ("percent", {"decimal_places": 2}),
        ("date", {}),
        ("datetime", {}),
        ("boolean", {}),
        ("email", {}),
        ("phone", {}),
        ("url", {}),
        ("user", {}),
        ("relation", {}),
        ("auto_number", {"pattern": "%N", "start": 1, "reset_yearly": False}),
        ("tags", {}),
    ],
)
def test_options_get_the_types_defaults(type_key, defaults):
    field_type = field_types.get(type_key)
    assert field_type.validate_options({}) == defaults
    assert field_type.validate_options(None) == defaults


def test_given_options_override_the_defaults():
    assert field_types.get("text").validate_options({"max_length": 20}) == {"max_length": 20}
    assert field_types.get("money").validate_options(
        {"currencies": ["EUR"], "default_currency": "EUR", "min": 0}
    ) == {"currencies": ["EUR"], "default_currency": "EUR", "decimal_places": 2, "min": 0}
    assert field_types.get("choice").validate_options(CHOICES) == CHOICES


def test_relation_options_name_the_target_but_do_not_keep_it():
    relation = field_types.get("relation")
    assert relation.target_from_options({"target": "companies"}) == "companies"
    assert relation.validate_options({"target": "companies"}) == {}


@pytest.mark.parametrize("type_key", ALL_TYPES)
def test_unknown_options_are_refused(type_key):
    options = {**NEEDS_OPTIONS.get(type_key, {}), "colour": "red"}
    with pytest.raises(InvalidFieldOptions) as error:
        field_types.get(type_key).validate_options(options)
    assert "options" in error.value.errors


@pytest.mark.parametrize("type_key", ALL_TYPES)
@pytest.mark.parametrize("options", ["big", ["max_length"], 5])
def test_options_that_are_not_an_object_are_refused(type_key, options):
    with pytest.raises(InvalidFieldOptions) as error:
        field_types.get(type_key).validate_options(options)
    assert list(error.value.errors) == ["options"]


def choice(value="hot", label="Hot", **extra):
    return {"choices": [{"value": value, "label": label, **extra}]}


@pytest.mark.parametrize(
    ("type_key", "options", "error_key"),
    [
        ("text", {"max_length": 0}, "options.max_length"),
        ("text", {"max_length": "long"}, "options.max_length"),
        ("text", {"max_length": True}, "options.max_length"),
        ("text", {"max_length": 10001}, "options.max_length"),
        ("long_text", {"max_length": 1000001}, "options.max_length"),
        ("integer", {"min": "a"}, "options.min"),
        ("integer", {"min": 5, "max": 1}, "options.min"),
        ("decimal", {"decimal_places": 7}, "options.decimal_places"),
        ("decimal", {"decimal_places": 1.5}, "options.decimal_places"),
        ("decimal", {"min": 1, "max": 0}, "options.min"),
        ("percent", {"decimal_places": 5}, "options.decimal_places"),
        ("money", {"decimal_places": 5}, "options.decimal_places"),
        ("money", {"currencies": []}, "options.currencies"),
        ("money", {"currencies": ["EUR", "EUR"]}, "options.currencies"),
        ("money", {"currencies": ["pln"], "default_currency": "PLN"}, "options.currencies.0"),
        ("money", {"currencies": ["EURO"]}, "options.currencies.0"),
        ("money", {"currencies": ["PLN\n"]}, "options.currencies.0"),
        ("money", {"default_currency": "PLN\n"}, "options.default_currency"),
        ("money", {"default_currency": "GBP"}, "options.default_currency"),
        ("money", {"min": 10, "max": 1}, "options.min"),
        ("choice", {}, "options"),
        ("choice", {"choices": []}, "options.choices"),
        ("choice", {"choices": [{"value": "a"}]}, "options.choices.0"),
        ("choice", choice(value="Hot"), "options.choices.0.value"),
        ("choice", choice(value="hot\n"), "options.choices.0.value"),
        ("choice", choice(value="x" * 64), "options.choices.0.value"),
        ("choice", choice(label=""), "options.choices.0.label"),
        ("choice", choice(color="red"), "options.choices.0.color"),
        ("choice", {"choices": choice()["choices"] * 2}, "options.choices"),
        ("multi_choice", {"choices": choice()["choices"] * 2}, "options.choices"),
        ("relation", {"target": "Companies"}, "options.target"),
        ("auto_number", {"pattern": "%Y"}, "options.pattern"),
        ("auto_number", {"pattern": "%"}, "options.pattern"),
        ("auto_number", {"start": -1}, "options.start"),
        ("auto_number", {"reset_yearly": "yes"}, "options.reset_yearly"),
    ],
)
def test_bad_option_values_are_refused_under_their_key(type_key, options, error_key):
    with pytest.raises(InvalidFieldOptions) as error:
        field_types.get(type_key).validate_options(options)
    assert error_key in error.value.errors


# -- conversions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ALL_TYPES)
def test_can_convert_to_matches_convertible_to(source):
    source_type = field_types.get(source)
    assert source_type.convertible_to <= set(ALL_TYPES)
    assert source not in source_type.convertible_to
    for target in ALL_TYPES:
        assert source_type.can_convert_to(field_types.get(target)) == (
            target in source_type.convertible_to
        )


def convert(source, value, target, source_options=None, target_options=None):
    source_type, target_type = field_types.get(source), field_types.get(target)
    return target_type.convert_from(
        source_type,
        spec(source, **(source_options or {})),
        spec(target, **(target_options or {})),
        value,
    )


@pytest.mark.parametrize(
    ("source", "value", "target", "source_options", "target_options", "expected"),
    [
        ("text", "1 200", "integer", {}, {}, 1200),
        ("text", "12,50", "decimal", {}, {}, Decimal("12.50")),
        ("text", "tak", "boolean", {}, {}, True),
        ("text", "a; b", "tags", {}, {}, ["a", "b"]),
        ("text", "Gorący", "choice", {}, CHOICES, "hot"),
        ("text", "01.03.2024", "date", {}, {}, dt.date(2024, 3, 1)),
        ("integer", 1200, "text", {}, {}, "1200"),
        ("integer", 12, "money", {}, {}, {"amount": Decimal(12), "currency": "PLN"}),
        ("integer", 12, "decimal", {}, {}, Decimal(12)),
        ("decimal", Decimal("12.00"), "integer", {}, {}, 12),
        (
            "money",
            {"amount": Decimal("9.99"), "currency": "EUR"},
            "decimal",
            {},
            {},
            Decimal("9.99"),
        ),
        ("money", {"amount": Decimal("12.00"), "currency": "EUR"}, "integer", {}, {}, 12),
        ("boolean", True, "text", {}, {}, "true"),
        ("choice", "hot", "text", CHOICES, {}, "Hot"),
        ("multi_choice", ["hot", "cold"], "tags", CHOICES, {}, ["Hot", "Cold"]),
        ("long_text", "short", "text", {}, {}, "short"),
        ("auto_number", "7/2026", "text", {}, {}, "7/2026"),
    ],
)
def test_convert_from_turns_one_types_value_into_anothers(
    source, value, target, source_options, target_options, expected
):
    assert field_types.get(source).can_convert_to(field_types.get(target))
    assert convert(source, value, target, source_options, target_options) == expected


def test_choice_converts_to_multi_choice_by_label():
    # given a choice and a multiple choice that share labels but not values
    source = {"choices": [{"value": "h", "label": "Hot"}, {"value": "c", "label": "Cold"}]}
    target = {"choices": [{"value": "cold", "label": "Cold"}, {"value": "hot", "label": "HOT"}]}
    # when / then
    assert convert("choice", "h", "multi_choice", source, target) == ["hot"]


def test_date_converts_to_datetime_at_local_midnight():
    with timezone.override(WARSAW):
        converted = convert("date", dt.date(2024, 3, 1), "datetime")
    assert converted == dt.datetime(2024, 3, 1, tzinfo=WARSAW)


def test_datetime_converts_to_its_local_date():
    with timezone.override(WARSAW):
        converted = convert("datetime", dt.datetime(2024, 3, 1, 23, 30, tzinfo=UTC), "date")
    assert converted == dt.date(2024, 3, 2)


@pytest.mark.parametrize(
    ("source", "value", "target", "source_options", "target_options"),
    [
        ("text", "big", "integer", {}, {}),
        ("text", "frozen", "choice", {}, CHOICES),
        ("text", "yesterday", "date", {}, {}),
        ("decimal", Decimal("12.50"), "integer", {}, {}),
        ("long_text", "x" * 256, "text", {}, {}),
        ("text", "12.50 GBP", "money", {}, {}),
        ("choice", "warm", "multi_choice", CHOICES, {"choices": [{"value": "h", "label": "Hot"}]}),
    ],
)
def test_a_value_that_does_not_fit_raises_conversion_error(
    source, value, target, source_options, target_options
):
    with pytest.raises(ConversionError):
        convert(source, value, target, source_options, target_options)


def test_empty_values_convert_to_none():
    assert convert("text", None, "integer") is None


# -- auto numbers ---------------------------------------------------------------------------------


def test_auto_number_fills_in_the_tokens_of_its_pattern():
    auto_number = field_types.get("auto_number")
    field = spec("auto_number", pattern="%I-%N/%M/%D/%Y (%%N)")
    number = auto_number.format(field, 17, dt.date(2026, 3, 5), "AA")
    assert number == "AA-17/03/05/2026 (%17)"


def test_auto_number_counts_per_year_only_when_it_resets_yearly():
    auto_number = field_types.get("auto_number")
    day = dt.date(2026, 3, 5)
    assert auto_number.period(spec("auto_number", reset_yearly=True), day) == "2026"
    assert auto_number.period(spec("auto_number"), day) == ""


def test_auto_number_is_allocated_on_create_when_not_given(schema, admin, scratch_entity):
    # given
    slug = scratch_entity()
    schema.add_field(
        admin, slug, api_name="number", label="No.", type="auto_number", options={"pattern": "A%N"}
    )
    service = RecordService()
    # when
    first, second = service.create(admin, slug, {}), service.create(admin, slug, {})
    # then
    model = get_model(slug)
    assert [model.objects.get(pk=r.pk).number for r in (first, second)] == ["A1", "A2"]


# -- users and relations --------------------------------------------------------------------------


@pytest.fixture
def company(admin):
    return RecordService().create(admin, "companies", {"name": "Acme"})


@pytest.fixture
def relation_field(db):
    return spec("relation", target_entity_id=EntityType.objects.get(slug="companies").pk)


def test_a_relation_takes_a_live_records_id(relation_field, company):
    relation = field_types.get("relation")
    assert relation.clean(relation_field, company.pk) == company.pk
    assert relation.clean(relation_field, str(company.pk)) == company.pk
    assert relation.clean(relation_field, company) == company.pk


@pytest.mark.parametrize("value", [True, "abc", "-1", "1.5", "²", "9" * 30])
def test_a_relation_refuses_what_is_not_a_records_id(relation_field, company, value):
    with pytest.raises(ValidationError):
        field_types.get("relation").clean(relation_field, value)


def test_a_relation_refuses_a_missing_or_trashed_record(relation_field, company, admin):
    # given
    relation = field_types.get("relation")
    other = RecordService().create(admin, "companies", {"name": "Gone Ltd"})
    RecordService().delete(admin, "companies", other.pk)
    # when / then
    with pytest.raises(ValidationError):
        relation.clean(relation_field, other.pk)
    with pytest.raises(ValidationError):
        relation.clean(relation_field, company.pk + 1000)


def test_a_relation_round_trips_through_the_records_title(relation_field, company):
    # given
    relation = field_types.get("relation")
    # when
    text = relation.to_text(relation_field, company.pk, viewer=None)
    # then
    assert text == "Acme"
    assert relation.parse_text(relation_field, text) == company.pk
    assert relation.parse_text(relation_field, "  acme ") == company.pk
    assert relation.parse_text(relation_field, str(company.pk)) == company.pk
    with pytest.raises(ValidationError):
        relation.parse_text(relation_field, "Nobody Inc")


def test_a_user_field_takes_an_active_users_id(user):
    field_type = field_types.get("user")
    assert field_type.clean(spec("user"), user.pk) == user.pk
    assert field_type.clean(spec("user"), str(user.pk)) == user.pk
    assert field_type.clean(spec("user"), user) == user.pk


@pytest.mark.parametrize("value", [True, "abc", "-1", 1.5, "²", "9" * 30, 10**9])
def test_a_user_field_refuses_what_is_not_an_active_users_id(db, value):
    with pytest.raises(ValidationError):
        field_types.get("user").clean(spec("user"), value)


def test_a_user_field_refuses_an_inactive_user(make_user):
    # given
    gone = make_user("gone", is_active=False)
    field_type = field_types.get("user")
    # when / then
    with pytest.raises(ValidationError):
        field_type.clean(spec("user"), gone.pk)
    with pytest.raises(ValidationError):
        field_type.parse_text(spec("user"), "gone")


def test_a_user_round_trips_through_the_username_and_is_found_by_email(user):
    field_type = field_types.get("user")
    field = spec("user")
    assert field_type.to_text(field, user.pk, viewer=None) == "alice"
    assert round_trip("user", field, user.pk) == user.pk
    assert field_type.parse_text(field, "ALICE") == user.pk
    assert field_type.parse_text(field, "alice@example.com") == user.pk
    assert field_type.parse_text(field, str(user.pk)) == user.pk


@pytest.mark.parametrize("type_key", ["user", "relation"])
@examples_with_fixtures
@given(value=JSON_VALUES | st.sampled_from(["²", "١٢", "0", "00", "+1", " 1"]))
def test_any_value_for_a_user_or_relation_names_a_live_record_or_is_refused(
    relation_field, company, user, type_key, value
):
    # given
    field = relation_field if type_key == "relation" else spec("user")
    live = {"relation": {company.pk}, "user": {user.pk, company.owner_id}}[type_key]
    field_type = field_types.get(type_key)
    # when
    for read in (field_type.clean, field_type.parse_text):
        try:
            found = read(field, value)
        except ValidationError:
            continue
        # then
        assert found is None or found in live


# -- every type works end to end ------------------------------------------------------------------

ADMIN, COMPANY = "<admin's id>", "<a company's id>"
END_TO_END = {
    "text": ({"max_length": 20}, "  Acme  ", "Acme"),
    "long_text": ({}, "line one\nline two", "line one\nline two"),
    "integer": ({"min": 0}, "1200", 1200),
    "decimal": ({"decimal_places": 2}, "12.5", Decimal("12.50")),
    "money": (
        {"currencies": ["EUR", "PLN"], "default_currency": "EUR"},
        "99.90",
        {"amount": Decimal("99.90"), "currency": "EUR"},
    ),
    "percent": ({}, 12.5, Decimal("12.5")),
    "date": ({}, "01.03.2024", dt.date(2024, 3, 1)),
    "datetime": ({}, "2024-03-01T10:15:00+01:00", dt.datetime(2024, 3, 1, 9, 15, tzinfo=UTC)),
    "boolean": ({}, "tak", True),
    "choice": (CHOICES, "hot", "hot"),
    "multi_choice": (CHOICES, ["cold", "hot", "cold"], ["hot", "cold"]),
    "email": ({}, "Jan@Example.COM", "Jan@example.com"),
    "phone": ({}, " +48  600 100 200", "+48 600 100 200"),
    "url": ({}, "example.com/offer", "https://example.com/offer"),
    "user": ({}, ADMIN, ADMIN),
    "relation": ({"target": "companies"}, COMPANY, COMPANY),
    "auto_number": ({"pattern": "INV-%N"}, "INV-0042", "INV-0042"),
    "tags": ({}, "vip; Vip, partner", ["vip", "partner"]),
}


def test_the_end_to_end_table_covers_every_registered_type():
    assert sorted(END_TO_END) == sorted(field_types.keys())


@pytest.mark.parametrize(("type_key", "definition"), END_TO_END.items(), ids=list(END_TO_END))
def test_every_type_works_end_to_end(schema, admin, scratch_entity, type_key, definition):
    # given an entity type with one field of the type
    options, value, expected = definition
    references = {ADMIN: admin.pk}
    if COMPANY in (value, expected):
        references[COMPANY] = RecordService().create(admin, "companies", {"name": "Acme"}).pk
    value, expected = (references.get(v, v) if isinstance(v, str) else v for v in (value, expected))
    slug = scratch_entity()
    field = schema.add_field(
        admin, slug, api_name="value", label="Value", type=type_key, options=options
    )
    # when a record is created with a valid value
    record = RecordService().create(admin, slug, {"value": value})
    # then it reads back from the database as the cleaned value
    instance = get_model(slug).objects.get(pk=record.pk)
    field_spec = get_snapshot().entity(slug).field("value")
    stored = field.type_class.get_value(instance, field_spec)
    assert stored == expected
    # and survives JSON and text
    as_json = json.loads(json.dumps(field.type_class.to_json(field_spec, stored)))
    assert field.type_class.clean(field_spec, as_json) == expected
    assert round_trip(type_key, field_spec, stored) == expected
