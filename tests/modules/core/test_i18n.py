from django.utils import translation

from modules.core.i18n import localized
from modules.metamodel.exceptions import InvalidName
from modules.metamodel.names import check_field_name


def test_labels_follow_the_active_language():
    label = {"en": "Deal", "pl": "Szansa sprzedaży"}
    with translation.override("pl"):
        assert localized(label) == "Szansa sprzedaży"
    with translation.override("de"):
        assert localized(label) == "Deal"
    assert localized("Plain") == "Plain" and localized({"pl": "Tylko"}) == "Tylko"


def test_errors_are_shown_in_polish():
    messages = {}
    for language in ("en", "pl"):
        with translation.override(language):
            try:
                check_field_name("owner")
            except InvalidName as error:
                messages[language] = error.detail
    assert messages["en"] == "'owner' is reserved; choose another API name."
    assert messages["pl"] != messages["en"] and "owner" in messages["pl"]
