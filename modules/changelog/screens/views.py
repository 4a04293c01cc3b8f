"""History in the admin: a record's history tab, and Settings > Change log.

    /admin/records/<slug>/<id>/history/        the record's changes, newest first
    /admin/settings/change-log/?entity=&user=&operation=&since=&until=
    /admin/settings/change-log/?...&export=xlsx   the filtered log as an Excel workbook

Both read through `HistoryService`, so the record tab answers like the profile (404
for a record the user may not see, values they may not read redacted) and the log
is for administrators. Each log row links to its record, says "deleted" when the
record is in the trash (with a restore button) and "removed" when it is gone.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from modules.changelog.export import change_log_xlsx
from modules.changelog.services import HistoryService, may_read_history
from modules.core.exceptions import PermissionDenied, TesseraError
from modules.core.i18n import localized
from modules.history.models import Operation
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.screens.base import SettingsAreaView
from modules.records.exceptions import RecordNotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChangeLogFilterForm(forms.Form):
    """The change log's filters; every one optional."""

    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=AdminDateInput)
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=AdminDateInput)
    user = forms.ModelChoiceField(
        label=gettext_lazy("User"),
        required=False,
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
    )
    entity = forms.ChoiceField(label=gettext_lazy("Entity type"), required=False)
    operation = forms.ChoiceField(
        label=gettext_lazy("Operation"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Operation.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entities = sorted(get_snapshot().entities, key=lambda e: e.slug)
        self.fields["entity"].choices = [("", _("Any"))] + [
            (e.slug, localized(e.label_plural) or e.slug) for e in entities
        ]

    def filters(self) -> dict:
        """The service's filters from the valid form."""
        data = self.cleaned_data
        return {
            "since": data["since"].isoformat() if data.get("since") else None,
            "until": data["until"].isoformat() if data.get("until") else None,
            "user": data["user"].pk if data.get("user") else None,
            "entity": data.get("entity") or None,
            "operation": data.get("operation") or None,
        }


def link_records(shown_rows) -> None:
    """Set each row's record state: "live" with the profile's URL, "trash" with the
    restore URL, or "gone"; one query per entity type on the page."""
    wanted = defaultdict(set)
    for shown in shown_rows:
        wanted[shown.row.entity_type_id].add(shown.row.record_id)
    snapshot = get_snapshot()
    links = {}
    for entity_id, ids in wanted.items():
        try:
            model = snapshot.model_by_id(entity_id)
        except EntityTypeNotFound:
            continue
        slug = model.entity.slug
        for pk, deleted_at in model.objects.filter(pk__in=ids).values_list("pk", "deleted_at"):
            try:
                if deleted_at is None:
                    links[(entity_id, pk)] = ("live", reverse(f"records_{slug}:inspect", args=[pk]))
                else:
                    links[(entity_id, pk)] = (
                        "trash",
                        reverse(f"records_{slug}:restore", args=[pk]),
                    )
            except NoReverseMatch:
                continue
    for shown in shown_rows:
        key = (shown.row.entity_type_id, shown.row.record_id)
        shown.record_state, shown.record_url = links.get(key, ("gone", ""))


class ChangeLogView(SettingsAreaView):
    """Settings > Change log: every record change, filtered, exported to Excel."""

    template_name = "history/change_log.html"
    page_title = gettext_lazy("Change log")

    def get(self, request, *args, **kwargs):
        self.form = ChangeLogFilterForm(request.GET or None)
        self.filters = self.form.filters() if self.form.is_bound and self.form.is_valid() else {}
        if request.GET.get("export") == "xlsx" and not self.form.errors:
            try:
                data = change_log_xlsx(request.user, self.filters)
            except TesseraError as error:
                self.export_error = error.detail
                return super().get(request, *args, **kwargs)
            response = HttpResponse(data, content_type=XLSX)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="changes-{stamp}.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, links = [], {"next": None, "previous": None}
        if not self.form.errors:
            rows, links = HistoryService().change_log(
                self.request.user, self.filters, cursor=self.request.GET.get("cursor")
            )
        link_records(rows)
        query = self.request.GET.copy()
        query.pop("cursor", None)
        query.pop("export", None)
        context.update(
            form=self.form,
            rows=rows,
            next_url=_page_url(query, links["next"]),
            previous_url=_page_url(query, links["previous"]),
            export_url="?" + _with(query, export="xlsx"),
            export_error=getattr(self, "export_error", None),
        )
        return context


class RecordHistoryView(WagtailAdminTemplateMixin, TemplateView):
    """A record's history tab: its changes, newest first, redacted for the viewer."""

    template_name = "history/record.html"
    header_icon = "history"
    entity_slug = ""

    def get(self, request, *args, **kwargs):
        try:
            self.record, self.rows, self.links = HistoryService().of_record(
                request.user, self.entity_slug, kwargs["pk"], cursor=request.GET.get("cursor")
            )
        except RecordNotFound:
            raise Http404 from None
        except PermissionDenied as refusal:
            return defaults.permission_denied(request, DjangoPermissionDenied(refusal.detail))
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return _("History of %(record)s") % {"record": self.record}

    def get_breadcrumbs_items(self):
        entity = get_snapshot().entity(self.entity_slug)
        slug = entity.slug
        profile = (
            ""
            if self.record.deleted_at
            else reverse(f"records_{slug}:inspect", args=[self.record.pk])
        )
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"records_{slug}:index"), "label": localized(entity.label_plural)},
            {"url": profile, "label": str(self.record)},
            {"url": "", "label": _("History")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("cursor", None)
        context.update(
            record=self.record,
            rows=self.rows,
            profile_url=""
            if self.record.deleted_at
            else reverse(f"records_{self.entity_slug}:inspect", args=[self.record.pk]),
            next_url=_page_url(query, self.links["next"]),
            previous_url=_page_url(query, self.links["previous"]),
        )
        return context


def _with(query, **values) -> str:
    copy = query.copy()
    for key, value in values.items():
        copy[key] = value
    return copy.urlencode()


def _page_url(query, cursor: str | None) -> str | None:
    return "?" + _with(query, cursor=cursor) if cursor else None


def record_urlpatterns(entity_slug: str) -> list:
    """The history tab of every record of a type, under its `records/<slug>/`."""
    view = RecordHistoryView.as_view(entity_slug=entity_slug)
    return [path("<int:pk>/history/", view, name="history")]


def history_url(user, entity, record) -> str:
    """The history tab's URL, if the user may read the record's history."""
    if not may_read_history(user, record):
        return ""
    return reverse(f"records_{entity.slug}:history", args=[record.pk])
