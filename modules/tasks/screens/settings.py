"""Settings > Tasks: task types, the statuses switch and statuses, templates and sets.

One page; each form posts `action` (add_type, delete_type, statuses, add_status,
delete_status, add_template, delete_template, add_set, delete_set) and goes back to the
page with a message. Everything is written by ConfigurationService and TemplateService.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.core.exceptions import TesseraError
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.screens.base import SettingsAreaView
from modules.tasks.configuration import ConfigurationService
from modules.tasks.models import (
    Assignee,
    Priority,
    TaskSet,
    TaskSettings,
    TaskStatus,
    TaskTemplate,
    TaskType,
)
from modules.tasks.templates import TemplateService

NS = "tasks_settings"


class NameForm(forms.Form):
    """A type or a status."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    is_done = forms.BooleanField(label=gettext_lazy("Means done"), required=False)


class TemplateForm(forms.Form):
    """A task template."""

    name = forms.CharField(label=gettext_lazy("Template name"), max_length=100)
    task_name = forms.CharField(label=gettext_lazy("Task name"), max_length=255)
    type = forms.TypedChoiceField(
        label=gettext_lazy("Type"), required=False, coerce=int, empty_value=None
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    due_in_days = forms.IntegerField(
        label=gettext_lazy("Due in days"), min_value=0, max_value=3650, initial=0
    )
    due_time = forms.TimeField(
        label=gettext_lazy("At (empty: all day)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    assignee = forms.ChoiceField(label=gettext_lazy("Responsible"), choices=Assignee.choices)
    private = forms.BooleanField(label=gettext_lazy("Private"), required=False)
    entity_types = forms.MultipleChoiceField(
        label=gettext_lazy("Offered on (none: all)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "—")] + [(t.pk, t.name) for t in TaskType.objects.all()]
        self.fields["entity_types"].choices = [
            (e.slug, e.display_label_plural) for e in get_snapshot().entities
        ]


class SetForm(forms.Form):
    """A set of templates."""

    name = forms.CharField(label=gettext_lazy("Set name"), max_length=100)
    post_sale = forms.BooleanField(label=gettext_lazy("Made when a deal is won"), required=False)
    templates = forms.MultipleChoiceField(
        label=gettext_lazy("Templates"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["templates"].choices = [(t.pk, t.name) for t in TaskTemplate.objects.all()]


class TaskSettingsView(SettingsAreaView):
    """The whole of Settings > Tasks."""

    template_name = "tasks/settings.html"
    page_title = gettext_lazy("Tasks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            types=TaskType.objects.all(),
            statuses=TaskStatus.objects.all(),
            statuses_enabled=TaskSettings.current().statuses_enabled,
            templates=TaskTemplate.objects.select_related("type"),
            sets=TaskSet.objects.prefetch_related("templates"),
            type_form=NameForm(auto_id="type-%s", prefix="type"),
            status_form=NameForm(auto_id="status-%s", prefix="status"),
            template_form=TemplateForm(auto_id="template-%s", prefix="template"),
            set_form=SetForm(auto_id="set-%s", prefix="set"),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            messages.error(request, _("Unknown action."))
            return redirect(f"{NS}:index")
        try:
            text = handler(request)
        except TesseraError as error:
            words = [str(m) for ms in error.errors.values() for m in ms]
            messages.error(request, " ".join(words) or error.detail)
        except forms.ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text)
        return redirect(f"{NS}:index")

    @staticmethod
    def _valid(form: forms.Form) -> dict:
        if not form.is_valid():
            raise forms.ValidationError([str(m) for errs in form.errors.values() for m in errs])
        return form.cleaned_data

    def do_add_type(self, request) -> str:
        data = self._valid(NameForm(request.POST, prefix="type"))
        ConfigurationService().add_type(request.user, {"name": data["name"]})
        return _("Task type added.")

    def do_delete_type(self, request) -> str:
        ConfigurationService().delete_type(request.user, request.POST.get("id"))
        return _("Task type deleted.")

    def do_statuses(self, request) -> str:
        enabled = request.POST.get("enabled") == "1"
        ConfigurationService().set_statuses_enabled(request.user, enabled)
        return _("Task statuses switched on.") if enabled else _("Task statuses switched off.")

    def do_add_status(self, request) -> str:
        data = self._valid(NameForm(request.POST, prefix="status"))
        ConfigurationService().add_status(
            request.user, {"name": data["name"], "is_done": data["is_done"]}
        )
        return _("Task status added.")

    def do_delete_status(self, request) -> str:
        ConfigurationService().delete_status(request.user, request.POST.get("id"))
        return _("Task status deleted.")

    def do_add_template(self, request) -> str:
        data = self._valid(TemplateForm(request.POST, prefix="template"))
        TemplateService().create_template(request.user, data)
        return _("Task template added.")

    def do_delete_template(self, request) -> str:
        TemplateService().delete_template(request.user, request.POST.get("id"))
        return _("Task template deleted.")

    def do_add_set(self, request) -> str:
        data = self._valid(SetForm(request.POST, prefix="set"))
        data["templates"] = [int(t) for t in data["templates"]]
        TemplateService().create_set(request.user, data)
        return _("Task set added.")

    def do_delete_set(self, request) -> str:
        TemplateService().delete_set(request.user, request.POST.get("id"))
        return _("Task set deleted.")
