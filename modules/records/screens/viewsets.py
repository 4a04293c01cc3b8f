"""A Wagtail ModelViewSet per entity type, built per schema snapshot (never registered).

    viewset = entity_viewset(snapshot, "persons")
    viewset.get_urlpatterns()      # served through the per-request URLconf (urlconf.py)

Wagtail fixes registered URLs at start-up; entity types added at runtime get their
screens through `request.urlconf` instead.
"""

from __future__ import annotations

from django.urls import path, re_path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from modules.metamodel.runtime.snapshot import SchemaSnapshot
from modules.records.screens import bulk, extensions
from modules.records.screens.columns import MomentColumn, NumberColumn, OpenOnlyColumn, ValueColumn
from modules.records.screens.editing import RecordCreateView, RecordDeleteView, RecordEditView
from modules.records.screens.filters import record_admin_filterset
from modules.records.screens.forms import record_panels
from modules.records.screens.listing import RecordIndexView
from modules.records.screens.lookup import record_lookup
from modules.records.screens.permissions import RecordPermissionPolicy
from modules.records.screens.profile import RecordInspectView
from modules.records.screens.saved_views import SaveViewView
from modules.records.screens.trash import RecordTrashView, restore_record

URL_PREFIX = "records"
LIST_COLUMNS = 5


def url_namespace(slug: str) -> str:
    """The URL namespace of an entity type's screens."""
    return f"records_{slug}"  # trash.RecordTrashView builds its restore URL the same way


class EntityViewSet(ModelViewSet):
    """Screens of one entity type: list, create, edit, profile (inspect), trash."""

    index_view_class = RecordIndexView
    add_view_class = RecordCreateView
    edit_view_class = RecordEditView
    delete_view_class = RecordDeleteView
    inspect_view_class = RecordInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    sort_order_field = None
    add_to_admin_menu = False

    def __init__(self, snapshot: SchemaSnapshot, slug: str):
        self.snapshot = snapshot
        self.entity = snapshot.entity(slug)
        super().__init__(
            name=url_namespace(slug),
            model=snapshot.model(slug),
            icon=self.entity.icon,
            url_prefix=f"{URL_PREFIX}/{slug}",
        )

    @property
    def permission_policy(self):
        return RecordPermissionPolicy(self.model)

    @property
    def list_display(self):
        columns = [ValueColumn(spec) for spec in self.entity.column_fields(LIST_COLUMNS)]
        if self.entity.supports_segmentation:
            columns += [
                OpenOnlyColumn("segment", label=_("Segment"), sort_key="segment"),
                NumberColumn("score", label=_("Score"), sort_key="score"),
            ]
        return [
            "__str__",
            *columns,
            OpenOnlyColumn("owner", label=_("Owner")),
            MomentColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
        ]

    @property
    def list_export(self):
        segmentation = ["segment", "score"] if self.entity.supports_segmentation else []
        return [
            *(s.api_name for s in self.entity.fields),
            *segmentation,
            "owner",
            "created_at",
            "updated_at",
        ]

    @property
    def export_filename(self):
        return self.entity.slug

    @property
    def filterset_class(self):
        return record_admin_filterset(self.snapshot, self.entity.slug)

    @property
    def search_fields(self):
        return [s.api_name for s in self.entity.fields if s.type_class.searchable] or None

    @property
    def menu_label(self):
        return self.entity.display_label_plural

    def get_edit_handler(self):
        return record_panels(self.snapshot, self.entity.slug)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # Wagtail's log and usage views
        # need content types, which runtime models do not have.
        view_kwargs.update(history_url_name=None, usage_url_name=None, entity_slug=self.entity.slug)
        return view_kwargs

    def get_urlpatterns(self):
        keep = {"index", "index_results", "add", "edit", "delete", "inspect"}
        patterns = [p for p in super().get_urlpatterns() if p.name in keep]
        trash = self.construct_view(
            RecordTrashView,
            **self.get_index_view_kwargs(
                results_template_name="records/trash_results.html",
                index_url_name=self.get_url_name("trash"),
                index_results_url_name=self.get_url_name("trash_results"),
            ),
        )
        return [
            *patterns,
            path("lookup/", record_lookup, {"entity_slug": self.entity.slug}, name="lookup"),
            path(
                "views/new/",
                SaveViewView.as_view(
                    entity_slug=self.entity.slug, index_url_name=self.get_url_name("index")
                ),
                name="save_view",
            ),
            path("trash/", trash, name="trash"),
            path("trash/results/", trash, name="trash_results"),
            path(
                "restore/<int:pk>/",
                restore_record,
                name="restore",
                kwargs={
                    "entity_slug": self.entity.slug,
                    "index_url_name": self.get_url_name("trash"),
                },
            ),
            *self.bulk_urlpatterns(),
            # URLs of modules above records (relations' add and remove, the history tab).
            *extensions.record_urlpatterns(self.entity.slug),
        ]

    def bulk_urlpatterns(self):
        """The bulk actions on the list's checked rows (bulk.py), ids as `?id=1&id=2`."""
        common = {"entity_slug": self.entity.slug, "index_url_name": self.get_url_name("index")}
        export = self.construct_view(bulk.BulkExportView, **self.get_index_view_kwargs())
        return [
            path(
                "bulk/change-user/",
                bulk.BulkChangeUserView.as_view(**common),
                name="bulk_change_user",
            ),
            path("bulk/trash/", bulk.BulkTrashView.as_view(**common), name="bulk_trash"),
            re_path(r"^bulk/export/(?P<export_format>xlsx|csv)/$", export, name="bulk_export"),
        ]


def entity_viewset(snapshot: SchemaSnapshot, slug: str) -> EntityViewSet:
    """The screens of an entity type, built once per snapshot."""
    return snapshot.memo(
        ("admin-viewset", slug, get_language()), lambda: EntityViewSet(snapshot, slug)
    )
