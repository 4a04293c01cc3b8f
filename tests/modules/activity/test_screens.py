"""The timeline on the record screens: the profile's panel, the whole timeline, a note's page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.activity.models import Note, NoteComment, NoteLike
from modules.activity.services import NoteService
from modules.records.services import RecordService

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def person(admin):
    return RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "Kos"})


def profile(pk):
    return f"/records/persons/inspect/{pk}/"


def test_a_note_written_on_the_profile_shows_on_its_timeline(client, admin, person):
    # given
    client.force_login(admin)
    # when
    answer = client.post(
        f"/records/persons/{person.pk}/notes/add/",
        {
            "body": "Called <b>Jan</b>\n\nwants a quote",
            "visibility": "managers",
            "tags": "call, quote",
            "files": [SimpleUploadedFile("quote.pdf", PDF)],
        },
    )
    page = client.get(profile(person.pk)).content.decode()
    # then
    assert answer.status_code == 302
    note = Note.objects.get()
    assert note.body == "<p>Called &lt;b&gt;Jan&lt;/b&gt;</p>\n\n<p>wants a quote</p>"
    assert f'data-note="{note.pk}"' in page and "quote.pdf" in page and "#quote" in page
    assert "Me and my managers" in page


def test_a_refused_file_says_why_and_saves_nothing(client, admin, person):
    # given
    client.force_login(admin)
    # when
    client.post(
        f"/records/persons/{person.pk}/notes/add/",
        {"body": "x", "visibility": "everyone", "files": [SimpleUploadedFile("a.svg", b"<svg/>")]},
    )
    page = client.get(profile(person.pk)).content.decode()
    # then
    assert not Note.objects.exists()
    assert "not accepted" in page


def test_the_whole_timeline_filters_by_kind_and_pages(client, admin, person):
    # given
    client.force_login(admin)
    for i in range(3):
        NoteService().create(admin, "persons", person.pk, {"body": f"n{i}"})
    # when
    notes = client.get(f"/records/persons/{person.pk}/timeline/?kind=note").content.decode()
    changes = client.get(f"/records/persons/{person.pk}/timeline/?kind=change").content.decode()
    # then
    assert notes.count('data-kind="note"') == 3 and 'data-kind="change"' not in notes
    assert changes.count('data-kind="change"') == 1 and 'data-kind="note"' not in changes


def test_comments_likes_edit_and_delete_on_a_notes_page(client, admin, user, person):
    # given
    note = NoteService().create(admin, "persons", person.pk, {"body": "plan"})
    base = f"/records/persons/{person.pk}/notes/{note.pk}/"
    client.force_login(user)
    # when
    client.post(base + "comment/", {"body": "Good"})
    client.post(base + "like/")
    refused = client.post(
        base + "edit/", {"body": "mine", "visibility": "everyone", "version": note.version}
    )
    client.force_login(admin)
    page = client.get(base).content.decode()
    client.post(base + "edit/", {"body": "plan B", "visibility": "private", "tags": ""})
    # then
    assert refused.status_code == 403
    assert NoteComment.objects.get().body == "Good" and NoteLike.objects.count() == 1
    assert "Good" in page and 'id="edit-note"' in page
    note.refresh_from_db()
    assert note.body == "<p>plan B</p>" and note.visibility == "private"
    client.post(base + "delete/")
    assert not Note.objects.exists()


def test_a_hidden_record_or_note_is_a_404(client, admin, user, person):
    # given
    hidden = RecordService().create(
        admin, "persons", {"first_name": "H", "last_name": "X"}, visibility="hidden"
    )
    private = NoteService().create(
        admin, "persons", person.pk, {"body": "mine", "visibility": "private"}
    )
    client.force_login(user)
    # when / then
    assert client.get(f"/records/persons/{hidden.pk}/timeline/").status_code == 404
    assert (
        client.post(
            f"/records/persons/{hidden.pk}/notes/add/", {"body": "x", "visibility": "everyone"}
        ).status_code
        == 404
    )
    assert client.get(f"/records/persons/{person.pk}/notes/{private.pk}/").status_code == 404
    assert "mine" not in client.get(profile(person.pk)).content.decode()
