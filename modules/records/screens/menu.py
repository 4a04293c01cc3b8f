"""The "Records" menu: one item per entity type, from the request's schema snapshot."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.menu import Menu, MenuItem

from modules.metamodel.runtime import get_snapshot
from modules.records.screens.viewsets import url_namespace


class EntityMenu(Menu):
    """Menu items made per request, so new entity types show up at once."""

    def menu_items_for_request(self, request):
        snapshot = getattr(request, "schema_snapshot", None) or get_snapshot()
        return [
            MenuItem(
                entity.display_label_plural,
                reverse(f"{url_namespace(entity.slug)}:index"),
                name=f"records-{entity.slug}",
                icon_name=entity.icon,
                order=index,
            )
            for index, entity in enumerate(
                sorted(snapshot.entities, key=lambda e: e.display_label_plural)
            )
        ]

    @property
    def registered_menu_items(self):
        return []
