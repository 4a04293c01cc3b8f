"""Settings > Data model > an entity type > Numbering: the pattern with its tokens explained
and the first number previewed as it is typed, instead of an auto-number field's JSON.

    (f"{ENTITY}numbering/", numbering.NumberingView, "numbering")   # wagtail_hooks.py
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.metamodel import numbering
from modules.metamodel.screens.views import DataModelView, EntityMixin, FormMixin, url


class NumberingForm(forms.Form):
    """Numbering on or off, the pattern, the first number and the yearly reset."""

    enabled = forms.BooleanField(label=gettext_lazy("Number the records"), required=False)
    pattern = forms.CharField(
        label=gettext_lazy("Pattern"),
        max_length=40,
        help_text=gettext_lazy("For example %N/%Y: 1000/2026."),
    )
    start = forms.IntegerField(
        label=gettext_lazy("First number"), min_value=0, max_value=numbering.MAX_START
    )
    reset_yearly = forms.BooleanField(
        label=gettext_lazy("Start again from the first number every year"), required=False
    )


#: Each token and what it gives, shown beside the pattern.
TOKENS = [
    ("%N", gettext_lazy("the next number (required)")),
    ("%Y", gettext_lazy("the year, e.g. 2026")),
    ("%M", gettext_lazy("the month, 01 to 12")),
    ("%D", gettext_lazy("the day of the month, 01 to 31")),
    ("%I", gettext_lazy("the initials of whoever creates the record")),
]


class NumberingView(EntityMixin, FormMixin, DataModelView):
    """How records of one entity type are numbered."""

    template_name = "metamodel/numbering.html"
    page_title = gettext_lazy("Numbering")
    form_class = NumberingForm

    def get_initial(self):
        current = numbering.numbering_of(self.entity)
        return {
            "enabled": current.enabled,
            "pattern": current.pattern,
            "start": current.start,
            "reset_yearly": current.reset_yearly,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            tokens=TOKENS,
            today={"Y": f"{today.year:04d}", "M": f"{today.month:02d}", "D": f"{today.day:02d}"},
            initials=numbering.PREVIEW_INITIALS,
            preview=numbering.numbering_of(self.entity).preview(today),
        )
        return context

    def save(self, form):
        data = form.cleaned_data
        numbering.set_numbering(
            self.request.user,
            self.entity.slug,
            enabled=data["enabled"],
            pattern=data["pattern"],
            start=data["start"],
            reset_yearly=data["reset_yearly"],
        )
        messages.success(self.request, _("Numbering saved."))
        return redirect(url("builder", self.entity.slug))
