"""Activity on the record screens: the profile's timeline panel, the whole timeline, and
each note's page (comments, likes, edit, delete).

    context["activity"] = activity_panel(user, entity, record)   # the profile's panel
    /admin/records/<slug>/<id>/timeline/?kind=note&cursor=…       the whole timeline
    POST /admin/records/<slug>/<id>/notes/add/                    a new note (with files)
    /admin/records/<slug>/<id>/notes/<note id>/                   a note, its comments
    POST …/notes/<note id>/comment/ | like/ | unlike/ | edit/ | delete/

Everything goes through `reader.page()` and `NoteService`: a record the user may not
open, or a note they may not read, is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.activity import access, reader, text
from modules.activity.kinds import download_url
from modules.activity.screens.forms import CommentForm, NoteForm
from modules.activity.services import NoteService
from modules.activity.timeline import entry_kinds
from modules.core.exceptions import NotFound, PermissionDenied, TesseraError
from modules.core.i18n import localized
from modules.metamodel.runtime import get_snapshot

#: Entries the profile's panel shows; the rest are on the timeline page.
PANEL_SIZE = 10
PAGE_SIZE = 50


def with_links(items: list, entity, record) -> list:
    """The items with the URLs of each note's page and like actions."""
    base = f"records_{entity.slug}:"
    for item in items:
        if item.kind.type == "note":
            args = [record.pk, item.id]
            item.links = {
                "page": reverse(base + "note", args=args),
                "like": reverse(base + "note_like", args=args),
                "unlike": reverse(base + "note_unlike", args=args),
            }
    return items


def activity_panel(user, entity, record) -> dict:
    """The profile's timeline panel: the note form and the newest entries."""
    page = reader.page(user, entity, record, size=PANEL_SIZE)
    with_links(page.items, entity, record)
    return {
        "form": NoteForm(auto_id="note-%s"),
        "items": page.items,
        "more": page.next is not None,
        "add_url": reverse(f"records_{entity.slug}:note_add", args=[record.pk]),
        "timeline_url": reverse(f"records_{entity.slug}:timeline", args=[record.pk]),
        "entity_slug": entity.slug,
        "record_id": record.pk,
        "export_url": reverse("api-notes-export") + f"?entity={entity.slug}&record={record.pk}",
    }


def _entity(entity_slug: str):
    try:
        return get_snapshot().entity(entity_slug)
    except NotFound:
        raise Http404 from None


def _record(user, entity, pk):
    try:
        return access.record_for(user, entity, pk)
    except NotFound:
        raise Http404 from None


class RecordPageMixin(WagtailAdminTemplateMixin):
    """A page under a record: its breadcrumbs lead back to the list and the profile."""

    entity_slug = ""
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        self.entity = _entity(self.entity_slug)
        self.record = _record(request.user, self.entity, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def profile_url(self) -> str:
        return reverse(f"records_{self.entity.slug}:inspect", args=[self.record.pk])

    def get_breadcrumbs_items(self):
        slug = self.entity.slug
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"records_{slug}:index"), "label": localized(self.entity.label_plural)},
            {"url": self.profile_url(), "label": str(self.record)},
            {"url": "", "label": self.get_page_title()},
        ]


class TimelineView(RecordPageMixin, TemplateView):
    """The whole timeline of a record, filtered by kind, a page at a time."""

    template_name = "activity/timeline.html"

    def get_page_title(self):
        return _("Timeline")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wanted = [k for k in self.request.GET.getlist("kind") if k in entry_kinds]
        try:
            page = reader.page(
                self.request.user,
                self.entity,
                self.record,
                kinds=wanted or None,
                cursor=self.request.GET.get("cursor") or None,
                size=PAGE_SIZE,
            )
        except TesseraError:
            raise Http404 from None
        query = self.request.GET.copy()
        query.pop("cursor", None)
        next_url = None
        if page.next:
            query["cursor"] = page.next
            next_url = "?" + query.urlencode()
        context.update(
            record=self.record,
            items=with_links(page.items, self.entity, self.record),
            kinds=[(kind.type, kind.label, kind.type in wanted) for kind in entry_kinds],
            next_url=next_url,
            first_url=self.request.path if self.request.GET.get("cursor") else None,
            profile_url=self.profile_url(),
        )
        return context


class NotePageView(RecordPageMixin, TemplateView):
    """One note: its text, files, comments (with a form), likes; edit and delete for
    its author."""

    template_name = "activity/note.html"

    def dispatch(self, request, *args, **kwargs):
        self.entity = _entity(self.entity_slug)
        self.record = _record(request.user, self.entity, kwargs["pk"])
        self.note = _note(request.user, kwargs["note_id"], self.entity, self.record)
        return super(RecordPageMixin, self).dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Note")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = NoteService()
        note = service.with_counts(service.one(self.note.pk), self.request.user).get()
        mine = note.user_id == self.request.user.pk
        base = f"records_{self.entity.slug}:"
        args = [self.record.pk, note.pk]
        context.update(
            note=note,
            files=[dict(f, url=download_url(f["id"])) for f in note.files],
            comments=service.comments(self.request.user, note.pk),
            comment_form=kwargs.get("comment_form") or CommentForm(auto_id="comment-%s"),
            edit_form=kwargs.get("edit_form") or (self._edit_form(note) if mine else None),
            mine=mine,
            urls={
                name: reverse(base + f"note_{name}", args=args)
                for name in ("comment", "like", "unlike", "edit", "delete")
            },
            profile_url=self.profile_url(),
        )
        return context

    def _edit_form(self, note) -> NoteForm:
        return NoteForm(
            auto_id="edit-%s",
            initial={
                "body": text.plain_text(note.body),
                "visibility": note.visibility,
                "tags": ", ".join(note.tags),
                "published_at": note.at,
            },
        )


def _note(user, note_id, entity, record):
    try:
        note = NoteService().get(user, note_id)
    except NotFound:
        raise Http404 from None
    if note.entity_type_id != entity.id or note.record_id != record.pk:
        raise Http404
    return note


def _note_page(entity_slug: str, pk, note_id) -> str:
    return reverse(f"records_{entity_slug}:note", args=[pk, note_id])


def _profile(entity_slug: str, pk) -> str:
    return reverse(f"records_{entity_slug}:inspect", args=[pk]) + "#activity"


def _errors(request, error: TesseraError) -> None:
    words = [str(error.detail)] if error.detail else []
    for messages_ in (error.errors or {}).values():
        words.extend(str(m) for m in messages_)
    messages.error(request, " ".join(words) or _("The note was not saved."))


@require_POST
def add_note(request, entity_slug: str, pk: int):
    """POST: a new note on the record, from the profile's form."""
    entity = _entity(entity_slug)
    _record(request.user, entity, pk)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(_profile(entity_slug, pk))
    try:
        NoteService().create(
            request.user, entity_slug, pk, form.values(), uploads=form.cleaned_data["files"]
        )
    except NotFound:
        raise Http404 from None
    except TesseraError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Note added."))
    return redirect(_profile(entity_slug, pk))


def _note_action(action):
    """A POST on one note: 404 for a note the user may not read, 403 for a refusal."""

    @require_POST
    def view(request, entity_slug: str, pk: int, note_id: int):
        entity = _entity(entity_slug)
        record = _record(request.user, entity, pk)
        note = _note(request.user, note_id, entity, record)
        try:
            target = action(request, note) or _note_page(entity_slug, pk, note.pk)
        except NotFound:
            raise Http404 from None
        except PermissionDenied as refusal:
            return defaults.permission_denied(request, DjangoPermissionDenied(refusal.detail))
        except TesseraError as error:
            _errors(request, error)
            target = _note_page(entity_slug, pk, note.pk)
        if target == "profile":
            target = _profile(entity_slug, pk)
        return redirect(target)

    view.__name__ = action.__name__
    view.__doc__ = action.__doc__
    return view


@_note_action
def comment(request, note):
    """POST: a comment on the note."""
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the comment."))
        return None
    NoteService().comment(request.user, note.pk, form.cleaned_data["body"])
    messages.success(request, _("Comment added."))
    return None


@_note_action
def like(request, note):
    """POST: like the note."""
    NoteService().like(request.user, note.pk)
    return request.POST.get("next") if _safe_next(request) else None


@_note_action
def unlike(request, note):
    """POST: stop liking the note."""
    NoteService().like(request.user, note.pk, liked=False)
    return request.POST.get("next") if _safe_next(request) else None


@_note_action
def edit(request, note):
    """POST: the author's changes to the note (and files added or removed)."""
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return None
    values = form.values()
    if text.plain_text(note.body) == form.cleaned_data["body"].strip():
        values.pop("body")
    NoteService().update(
        request.user,
        note.pk,
        values,
        expected_version=_version(request.POST.get("version")),
        uploads=form.cleaned_data["files"],
        remove_files=request.POST.getlist("remove_files"),
    )
    messages.success(request, _("Note saved."))
    return None


@_note_action
def delete(request, note):
    """POST: delete the note (its author)."""
    NoteService().delete(request.user, note.pk)
    messages.success(request, _("Note deleted."))
    return "profile"


def _version(value) -> int | None:
    return access.record_key(value) if value else None


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


def record_urlpatterns(entity_slug: str) -> list:
    """The timeline and the note pages of every record of a type, under `records/<slug>/`."""
    common = {"entity_slug": entity_slug}
    note = "<int:pk>/notes/<int:note_id>/"
    return [
        path(
            "<int:pk>/timeline/",
            TimelineView.as_view(entity_slug=entity_slug),
            name="timeline",
        ),
        path("<int:pk>/notes/add/", add_note, common, name="note_add"),
        path(note, NotePageView.as_view(entity_slug=entity_slug), name="note"),
        path(note + "comment/", comment, common, name="note_comment"),
        path(note + "like/", like, common, name="note_like"),
        path(note + "unlike/", unlike, common, name="note_unlike"),
        path(note + "edit/", edit, common, name="note_edit"),
        path(note + "delete/", delete, common, name="note_delete"),
    ]
