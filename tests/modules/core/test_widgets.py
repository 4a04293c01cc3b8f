"""The type-ahead picker widget on its own: what it renders and what it reads back."""

from django import forms
from django.http import QueryDict

from modules.core.widgets import PickerWidget


def titles(ids):
    return {1: "Acme", 2: "Beta & Co"}


def test_a_single_picker_renders_the_current_title_and_a_hidden_id():
    widget = PickerWidget("/lookup/x/", titles=titles)
    html = widget.render("company", 2, attrs={"id": "id_company"})
    assert '<input type="hidden" name="company" value="2" data-picker-value>' in html
    assert 'value="Beta &amp; Co"' in html and 'id="id_company"' in html
    assert 'role="combobox"' in html and 'aria-controls="id_company-listbox"' in html
    assert 'id="id_company-listbox" role="listbox"' in html
    assert 'data-url="/lookup/x/"' in html and 'data-multiple="false"' in html
    assert "required" not in html


def test_an_empty_picker_has_an_empty_value_and_no_clear_button():
    html = PickerWidget(lambda: "/lookup/x/", titles=titles).render("company", None)
    assert 'name="company" value="" data-picker-value' in html
    assert 'value=""' in html and "data-picker-clear" in html and "hidden>" in html


def test_an_id_without_a_title_shows_as_its_number():
    html = PickerWidget("/l/", titles=titles).render("company", 99)
    assert 'value="#99"' in html


def test_a_multiple_picker_renders_a_chip_with_a_remove_button_per_id():
    widget = PickerWidget("/l/", titles=titles, multiple=True)
    html = widget.render("people", [1, 7], attrs={"id": "id_people"})
    assert html.count('class="tessera-picker__chip"') == 2
    assert '<input type="hidden" name="people" value="1">' in html
    assert '<input type="hidden" name="people" value="7">' in html
    assert 'aria-label="Remove Acme"' in html and 'aria-label="Remove #7"' in html
    assert 'data-multiple="true"' in html


def test_it_reads_back_what_a_select_posted():
    single = PickerWidget("/l/")
    multiple = PickerWidget("/l/", multiple=True)
    data = QueryDict("company=2&people=1&people=7")
    assert single.value_from_datadict(data, {}, "company") == "2"
    assert multiple.value_from_datadict(data, {}, "people") == ["1", "7"]
    assert multiple.value_from_datadict(QueryDict(""), {}, "people") == []
    assert not multiple.value_omitted_from_data(QueryDict(""), {}, "people")
    assert single.value_omitted_from_data(QueryDict(""), {}, "company")


def test_model_choice_fields_work_with_it(django_user_model, db):
    user = django_user_model.objects.create_user("kim", first_name="Kim")
    field = forms.ModelMultipleChoiceField(
        django_user_model.objects.all(), widget=PickerWidget("/l/", multiple=True)
    )
    assert list(field.clean([str(user.pk)])) == [user]
    assert field.widget.choices is not None  # given, never listed
    assert "tessera/picker.js" in str(field.widget.media)
