"""The profile of a record (Wagtail's inspect view): every field by section, then panels.

The profile is where a record opens (a list row links here), with Edit as its first action
and every link field a link to the linked record's profile.

    inspect_view_class = RecordInspectView  # EntityViewSet (viewsets.py)

A record the user may only list shows its basic fields; modules above records add panels
(relations, segmentation) through `extensions.py`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from modules.access import engine, grants
from modules.access.links import Links
from modules.access.models import Visibility
from modules.accounts.models import Team
from modules.core import formats
from modules.metamodel.runtime import get_snapshot
from modules.records.screens import extensions
from modules.records.screens.base import EntityViewMixin


class RecordInspectView(EntityViewMixin, generic.InspectView):
    """The profile: every field by section, then owner and dates."""

    template_name = "records/inspect.html"
    page_title = gettext_lazy("Profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        mask = engine.field_mask(self.request.user, record)
        self.links = Links.of(self.request.user, self.entity, [record], titles=True)
        context["restricted"] = mask is not None
        if mask is not None:
            context.update(extensions.record_tabs(self.request.user, self.entity, record))
            context["sections"] = [
                (
                    _("Basic information"),
                    [
                        (spec.display_label, *self._shown(spec, record))
                        for spec in self.entity.fields
                        if spec.api_name in mask
                    ],
                )
            ]
            context["system"] = [(_("Visibility"), Visibility(record.visibility).label)]
            return context
        context["sections"] = [
            (
                label,
                [(spec.display_label, *self._shown(spec, record)) for spec in fields],
            )
            for label, fields in self.entity.layout()
            if fields
        ]
        context.update(extensions.record_tabs(self.request.user, self.entity, record))
        # Panels of modules above records: relations, segmentation.
        context.update(extensions.profile_panels(self.request.user, self.entity, record))
        held = grants.holders(self.entity, [record.pk])[record.pk]
        context["system"] = [
            (_("Owner"), str(record.owner) if record.owner_id else "—"),
            (_("Visibility"), Visibility(record.visibility).label),
            *self._holders(held),
            (_("Created"), formats.moment(record.created_at)),
            (_("Updated"), formats.moment(record.updated_at)),
        ]
        return context

    def _shown(self, spec, record) -> tuple[str, str]:
        """A value as the profile shows it, and the URL of the record it links to ("" for
        none); a link to a record the user may not see, as an empty value."""
        if spec.api_name in self.links.seen:
            linked = self.links.value(record, spec)
            if linked is None:
                return "—", ""
            target = get_snapshot().model_by_id(spec.target_entity_id).entity
            url = reverse(f"records_{target.slug}:inspect", args=[linked])
            return self.links.title(record, spec) or "—", url
        value = spec.type_class.get_value(record, spec)
        return spec.type_class.display_value(spec, value, viewer=self.request.user), ""

    @cached_property
    def header_buttons(self):
        """Edit is the profile's first action, not a "…" item."""
        if not engine.can(self.request.user, "edit", self.object):
            return []
        return [
            HeaderButton(
                _("Edit"),
                url=self.get_edit_url(),
                icon_name="edit",
                attrs={"data-profile-edit": ""},
                priority=10,
            )
        ]

    @cached_property
    def header_more_buttons(self):
        return [
            button for button in super().header_more_buttons if button.url != self.get_edit_url()
        ]

    @staticmethod
    def _holders(held: dict) -> list:
        rows = []
        labels = {"participant": _("Participants"), "responsible": _("Responsible")}
        for role, holders in held.items():
            names = [str(u) for u in get_user_model().objects.filter(pk__in=holders["users"])]
            names += [str(t) for t in Team.objects.filter(pk__in=holders["teams"])]
            rows.append((labels[role], ", ".join(sorted(names)) or "—"))
        return rows

    def get_fields(self):
        return []
