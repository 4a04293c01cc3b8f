"""Settings > Configuration changes, and the History tab of each entity type.

    settings/changes/?kind=relation_type&user=7&since=2025-01-01&until=2025-01-31
    settings/data-model/persons/history/     # the type, its fields and its form

Administrators only, like every settings screen. Other settings screens link to the
first one with their kinds (and entity type) already chosen.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.i18n import localized
from modules.metamodel.config_history import change_page, history_kinds
from modules.metamodel.config_history.kinds import ENTITY_TYPE_KINDS, HistoryKind
from modules.metamodel.models import EntityType
from modules.metamodel.screens.base import SettingsView
from modules.metamodel.screens.views import DataModelView, EntityMixin, url

SYSTEM = "system"


class HistoryFilterForm(forms.Form):
    """What to list: kinds of object, an entity type, who, from and until which day."""

    kind = forms.MultipleChoiceField(
        label=gettext_lazy("Kind of object"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    entity = forms.ChoiceField(label=gettext_lazy("Entity type"), required=False)
    user = forms.ChoiceField(label=gettext_lazy("Changed by"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, kinds: dict[str, HistoryKind], with_entity: bool = True):
        super().__init__(data)
        self.kinds = kinds
        self.fields["kind"].choices = [(key, kind.label) for key, kind in kinds.items()]
        if with_entity:
            self.fields["entity"].choices = [("", _("All"))] + [
                (e.slug, localized(e.label_plural) or e.slug)
                for e in EntityType.objects.order_by("slug")
            ]
        else:
            del self.fields["entity"]
        self.fields["user"].choices = [("", _("Anyone")), (SYSTEM, _("System"))] + [
            (str(u.pk), str(u)) for u in users_in_history(kinds.values())
        ]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Choose a day on or after the first one."))
        return data

    def sources(self, entity_id: int | None = None) -> dict:
        """The chosen kinds, each with its rows narrowed by the filters."""
        data = self.cleaned_data if self.is_valid() else {}
        chosen = data.get("kind") or list(self.kinds)
        if data.get("entity"):
            found = EntityType.objects.filter(slug=data["entity"]).values_list("pk", flat=True)
            entity_id = found.first() or 0
        condition = Q()
        if data.get("user") == SYSTEM:
            condition &= Q(history_user__isnull=True)
        elif data.get("user"):
            condition &= Q(history_user_id=data["user"])
        if data.get("since"):
            condition &= Q(history_date__gte=start_of(data["since"]))
        if data.get("until"):
            condition &= Q(history_date__lt=start_of(data["until"] + datetime.timedelta(days=1)))
        sources = {}
        for key in chosen:
            kind = self.kinds[key]
            rows = kind.history().filter(condition)
            if entity_id is not None:
                rows = kind.for_entity(rows, entity_id)
            sources[kind] = rows
        return sources


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the user's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def users_in_history(kinds) -> list:
    """The users who changed any of the kinds' metadata, by name (one query)."""
    condition = Q()
    for kind in kinds:
        condition |= Q(pk__in=kind.history().values("history_user_id"))
    if not condition:
        return []
    return list(get_user_model().objects.filter(condition).order_by("first_name", "last_name"))


class HistoryListMixin:
    """Renders a filter form and a page of changes from `get_kinds()`."""

    template_name = "metamodel/history.html"
    header_icon = "history"
    entity_id: int | None = None
    with_entity = True

    def get_kinds(self) -> dict[str, HistoryKind]:
        return history_kinds()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = HistoryFilterForm(
            self.request.GET or None, kinds=self.get_kinds(), with_entity=self.with_entity
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_form"] = form
        context["page"] = change_page(form.sources(self.entity_id), self.request.GET.get("page"))
        context["query"] = query.urlencode()
        return context


class ConfigHistoryView(HistoryListMixin, SettingsView):
    """Every metadata change, with filters."""

    page_title = gettext_lazy("Configuration changes")

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


class EntityTypeHistoryView(HistoryListMixin, EntityMixin, DataModelView):
    """Changes to one entity type, its fields and its form layout."""

    page_title = gettext_lazy("History")
    with_entity = False

    def get_kinds(self) -> dict[str, HistoryKind]:
        kinds = history_kinds()
        return {key: kinds[key] for key in ENTITY_TYPE_KINDS}

    def get_context_data(self, **kwargs):
        self.entity_id = self.entity.pk
        context = super().get_context_data(**kwargs)
        context["back_url"] = url("builder", self.entity.slug)
        return context
