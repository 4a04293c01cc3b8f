"""Settings > Webhooks: subscriptions, their signing secrets and delivery logs.

Administrators only. Every write goes through `WebhookService`; its refusals show next to
the fields they name and nothing is saved. A signing secret is shown on the page that
answers its creation or rotation, never again and never in a redirect or a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import NotFound, TesseraError
from modules.metamodel.screens.base import SettingsAreaView
from modules.webhooks.models import Event
from modules.webhooks.screens.forms import WebhookForm
from modules.webhooks.services import WebhookService

NS = "webhooks_settings"
LOG_LENGTH = 50


def url(name: str, *args) -> str:
    """A URL of Settings > Webhooks."""
    return reverse(f"{NS}:{name}", args=args)


class WebhookView(SettingsAreaView):
    """A page of Settings > Webhooks."""

    service = WebhookService()

    def hook(self, pk):
        try:
            return self.service.get(self.request.user, pk)
        except NotFound:
            raise Http404 from None


class WebhookIndexView(WebhookView):
    """Every webhook and its state."""

    template_name = "webhooks/index.html"
    page_title = gettext_lazy("Webhooks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hooks"] = list(self.service.all(self.request.user))
        context["labels"] = dict(Event.choices)
        return context


class WebhookFormView(WebhookView):
    """Add or change a webhook."""

    template_name = "webhooks/form.html"
    pk = None

    def get_page_title(self):
        return _("Edit webhook") if self.pk else _("Add a webhook")

    def get(self, request, *args, pk=None, **kwargs):
        self.pk = pk
        initial = WebhookForm.initial_for(self.hook(pk)) if pk else None
        return self.render_to_response(self.get_context_data(form=WebhookForm(initial=initial)))

    def post(self, request, *args, pk=None, **kwargs):
        self.pk = pk
        form = WebhookForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if pk:
                    self.service.update(request.user, pk, data)
                else:
                    hook = self.service.create(request.user, data)
                    return self.secret_page(hook, _("The webhook is added."))
            except TesseraError as error:
                for name, problems in error.errors.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                messages.success(request, _("The webhook is saved."))
                return redirect(url("index"))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def secret_page(self, hook, headline: str):
        self.template_name = "webhooks/secret.html"
        return self.render_to_response(self.get_context_data(hook=hook, headline=headline))


class WebhookRotateView(WebhookFormView):
    """POST: a new signing secret, shown once."""

    http_method_names = ["post"]

    def post(self, request, *args, pk=None, **kwargs):
        self.hook(pk)
        hook = self.service.rotate_secret(request.user, pk)
        return self.secret_page(hook, _("The webhook has a new signing secret."))


class WebhookDeleteView(WebhookView):
    """Confirm, then delete a webhook."""

    template_name = "webhooks/delete.html"
    page_title = gettext_lazy("Delete webhook")

    def get(self, request, *args, pk=None, **kwargs):
        return self.render_to_response(self.get_context_data(hook=self.hook(pk)))

    def post(self, request, *args, pk=None, **kwargs):
        self.hook(pk)
        self.service.delete(request.user, pk)
        messages.success(request, _("The webhook is deleted."))
        return redirect(url("index"))


class DeliveryLogView(WebhookView):
    """The latest deliveries of a webhook and how each went."""

    template_name = "webhooks/deliveries.html"
    page_title = gettext_lazy("Deliveries")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hook = self.hook(self.kwargs["pk"])
        rows = self.service.deliveries(self.request.user, hook.pk).select_related("entity_type")
        context.update(hook=hook, deliveries=list(rows[:LOG_LENGTH]), labels=dict(Event.choices))
        return context


class RedeliverView(WebhookView):
    """POST: send a delivery again."""

    http_method_names = ["post"]

    def post(self, request, *args, pk=None, delivery=None, **kwargs):
        try:
            self.service.redeliver(request.user, pk, delivery)
        except NotFound:
            raise Http404 from None
        messages.success(request, _("The delivery is sent again."))
        return redirect(url("deliveries", pk))
