"""The likely duplicates screen: per entity type, records sharing an e-mail or a phone.

Everyone signed in uses it; each group lists only records the user may open, so what
they may not open is neither named nor counted.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.core.exceptions import NotFound
from modules.leads.duplicates import DuplicateService, likely_groups
from modules.metamodel.runtime import get_snapshot


def _types() -> list:
    return [
        e
        for e in sorted(get_snapshot().entities, key=lambda e: e.display_label_plural)
        if DuplicateService().rules(e.slug)
    ]


class DuplicatesView(WagtailAdminTemplateMixin, TemplateView):
    """`duplicates/` and `duplicates/<slug>/`: the groups of one entity type."""

    template_name = "leads/duplicates.html"
    page_title = gettext_lazy("Likely duplicates")
    header_icon = "duplicate"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        types = _types()
        slug = self.kwargs.get("slug") or (types[0].slug if types else None)
        if slug is not None:
            try:
                get_snapshot().entity(slug)
            except NotFound:
                raise Http404 from None
        groups = likely_groups(self.request.user, slug) if slug else []
        context.update(
            types=[
                {
                    "slug": e.slug,
                    "label": e.display_label_plural,
                    "url": reverse("lead_duplicates", args=[e.slug]),
                }
                for e in types
            ],
            current=slug,
            groups=[
                {
                    "reason": g.reason,
                    "value": g.value,
                    "records": [
                        {
                            "title": str(r),
                            "url": reverse(f"records_{slug}:inspect", args=[r.pk]),
                        }
                        for r in g.records
                    ],
                }
                for g in groups
            ],
        )
        return context
