"""The search page (`/search/?q=`): what the sidebar's search box opens, and the JSON its
type-ahead reads (`/search/?q=&format=json`).

Every entity type's records matching the words, grouped by type (`workspace/search.py`);
each hit opens its profile, a group with more hits than shown links to its list searched.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.workspace import search

#: Hits per entity type on the search page, and in the type-ahead.
PAGE_LIMIT = 10
TYPEAHEAD_LIMIT = 5


def shown_groups(groups, words: list[str]) -> list[dict]:
    """The groups as the page and the type-ahead show them."""
    query = " ".join(words)
    return [
        {
            "slug": group.entity.slug,
            "label": group.entity.display_label_plural,
            "icon": group.entity.icon,
            "hits": [
                {
                    "id": record.pk,
                    "title": str(record).strip() or f"#{record.pk}",
                    "url": reverse(f"records_{group.entity.slug}:inspect", args=[record.pk]),
                }
                for record in group.hits
            ],
            "more": group.more,
            "list_url": f"{reverse(f'records_{group.entity.slug}:index')}?"
            + urlencode({"q": query}),
        }
        for group in groups
    ]


class SearchView(WagtailAdminTemplateMixin, TemplateView):
    """Records of every entity type the user may see, matching every word of `q`; with
    `format=json`, the type-ahead's answer: `{"groups": [{slug, label, hits: [{id, title,
    url}], more, list_url}]}` (screen URLs, so the API keeps to API URLs)."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "json":
            return super().get(request, *args, **kwargs)
        words = search.words_of(request.GET.get("q"))
        groups = search.search(request.user, " ".join(words), limit=TYPEAHEAD_LIMIT)
        return JsonResponse({"groups": shown_groups(groups, words)})

    template_name = "workspace/search.html"
    page_title = _("Search")
    header_icon = "search"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        words = search.words_of(self.request.GET.get("q"))
        groups = search.search(self.request.user, " ".join(words), limit=PAGE_LIMIT)
        context.update(query=" ".join(words), groups=shown_groups(groups, words))
        return context

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": _("Search")}]
