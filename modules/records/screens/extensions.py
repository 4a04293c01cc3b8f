"""What modules above records add to the record screens.

Records sits below relations and segmentation, so its screens cannot import them; they
register here in their `AppConfig.ready()` instead:

    extensions.register_list_filters(segment_filters)          # filters of the list
    extensions.register_list_narrower("related", related_filter)  # a query narrowing the list
    extensions.register_profile_panel("relations", relations_panel)  # a panel of the profile
    extensions.register_form_section(RelationFormSection())    # fields in the form's sections
    extensions.register_record_urls(relation_urlpatterns)      # URLs under records/<slug>/
    extensions.register_record_tab("history_url", history_url)  # a tab of the profile
    extensions.register_home_panel(HomePanel("deals", _("My open deals"), 20, deals_panel))
    extensions.register_created_notice(duplicates_notice)      # a message after a create

A list narrower reads the request and answers None (not asked) or a `Narrowing`; the
profile panel and the narrowing reach the page's template under the name registered.
A home panel is a box of the home page: `render(request)` answers its HTML, or None to
leave it out (nothing to show, or not for this user). A created notice runs after the
create form saved a record: `notice(request, entity, record)` may add messages (leads warns
of likely duplicates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django import forms
from django.db.models import Q

#: `contribute(entity)`: list filters by name, added after owner and roles.
ListFilters = Callable[[object], dict]
#: `panel(user, entity, record)`: what the profile's template shows under the panel's name.
ProfilePanel = Callable[[object, object, object], object]
#: `urlpatterns(entity_slug)`: URL patterns served under `records/<slug>/`.
RecordURLs = Callable[[str], list]
#: `url(user, entity, record)`: the URL of a tab of the record's profile, "" for none.
RecordTab = Callable[[object, object, object], str]


class Narrowing(Protocol):
    """A narrowing of the record list asked for by the request."""

    #: The condition the listed records must meet; None: the list is left whole.
    q: Q | None
    #: What was wrong with the request, said as an error message on the list.
    error: str


#: `narrow(request, entity)`: the narrowing the request asks for, or None.
ListNarrower = Callable[[object, object], Narrowing | None]


class FormSection:
    """Fields a module adds to the sections of a record's create and edit forms."""

    def fields(self, snapshot, entity) -> dict[int, dict[str, forms.Field]]:
        """The form fields to add, by the id of the layout section that shows them."""
        return {}

    def start(self, form, names: list[str]) -> None:
        """Bind the fields `names` of a new form to its user and record (initial values)."""

    def save(self, user, entity_slug: str, record, form, names: list[str]) -> None:
        """Write what the user changed in `names`, inside the record's transaction; a
        `TesseraError` naming a form field goes back onto the form."""


@dataclass(frozen=True)
class HomePanel:
    """A box of the home page, placed by `order` (lower first)."""

    #: A unique name, also the box's `data-home-panel` attribute.
    name: str
    #: The box's heading (lazy translation).
    title: object
    order: int
    #: `render(request)`: the box's HTML (safe), or None to leave it out.
    render: Callable[[object], str | None]


_list_filters: list[ListFilters] = []
_list_narrowers: dict[str, ListNarrower] = {}
_profile_panels: dict[str, ProfilePanel] = {}
_form_sections: list[FormSection] = []
_record_urls: list[RecordURLs] = []
_record_tabs: dict[str, RecordTab] = {}
_home_panels: dict[str, HomePanel] = {}
_created_notices: list[Callable[[object, object, object], None]] = []


def register_list_filters(contribute: ListFilters) -> None:
    """Have `contribute(entity)` add filters to every entity type's record list."""
    if contribute not in _list_filters:
        _list_filters.append(contribute)


def register_list_narrower(name: str, narrow: ListNarrower) -> None:
    """Have `narrow(request, entity)` narrow the record list; its answer is `name` in the
    list's template."""
    _list_narrowers[name] = narrow


def register_profile_panel(name: str, panel: ProfilePanel) -> None:
    """Have `panel(user, entity, record)` fill `name` in the profile's template."""
    _profile_panels[name] = panel


def register_form_section(section: FormSection) -> None:
    """Have `section` add fields to the record forms and save them."""
    if section not in _form_sections:
        _form_sections.append(section)


def register_record_urls(urlpatterns: RecordURLs) -> None:
    """Have `urlpatterns(entity_slug)` served under each entity type's `records/<slug>/`."""
    if urlpatterns not in _record_urls:
        _record_urls.append(urlpatterns)


def list_filters(entity) -> dict:
    """Every registered module's list filters of the entity type, in order."""
    filters: dict = {}
    for contribute in _list_filters:
        filters.update(contribute(entity))
    return filters


def list_narrowings(request, entity) -> dict[str, Narrowing | None]:
    """What each list narrower makes of the request, by its name."""
    return {name: narrow(request, entity) for name, narrow in _list_narrowers.items()}


def profile_panels(user, entity, record) -> dict:
    """Every registered panel of a record's profile, by its name."""
    return {name: panel(user, entity, record) for name, panel in _profile_panels.items()}


def form_sections() -> list[FormSection]:
    """The registered form sections, in order."""
    return list(_form_sections)


def register_record_tab(name: str, url: RecordTab) -> None:
    """Have `url(user, entity, record)` fill `name` in the profile's template (its tab's
    link), for a record the user sees whole or in part."""
    _record_tabs[name] = url


def record_tabs(user, entity, record) -> dict[str, str]:
    """The URL of every registered tab of a record's profile, by its name."""
    return {name: url(user, entity, record) for name, url in _record_tabs.items()}


def record_urlpatterns(entity_slug: str) -> list:
    """The URL patterns every registered module serves under `records/<slug>/`."""
    return [pattern for urls in _record_urls for pattern in urls(entity_slug)]


def register_home_panel(panel: HomePanel) -> None:
    """Have `panel` shown on the home page (a second panel of the same name replaces it)."""
    _home_panels[panel.name] = panel


def home_panels() -> list[HomePanel]:
    """The registered home panels, by order then name."""
    return sorted(_home_panels.values(), key=lambda panel: (panel.order, panel.name))


def register_created_notice(notice: Callable[[object, object, object], None]) -> None:
    """Have `notice(request, entity, record)` run after the create form saved a record."""
    if notice not in _created_notices:
        _created_notices.append(notice)


def created_notices(request, entity, record) -> None:
    """Run every created notice."""
    for notice in _created_notices:
        notice(request, entity, record)
