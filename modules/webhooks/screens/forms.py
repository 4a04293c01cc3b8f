"""The webhook form of Settings > Webhooks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.core.i18n import localized
from modules.metamodel.models import EntityType
from modules.webhooks.models import Event


def entity_type_choices() -> list[tuple[str, str]]:
    """(slug, plural label) of every entity type."""
    return [
        (t.slug, localized(t.label_plural) or t.slug) for t in EntityType.objects.order_by("slug")
    ]


class WebhookForm(forms.Form):
    """Name, address, events and entity types; the service checks the rest."""

    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.CharField(
        label=_("Address"),
        max_length=2000,
        help_text=_("Where each event is POSTed, e.g. https://erp.example.com/tessera."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
    entity_types = forms.MultipleChoiceField(
        label=_("Entity types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every entity type."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity_types"].choices = entity_type_choices()

    @classmethod
    def initial_for(cls, hook) -> dict:
        return {
            "name": hook.name,
            "url": hook.url,
            "events": hook.events,
            "entity_types": hook.entity_slugs(),
            "active": hook.active,
        }
