"""The timeline and notes through /api/v1/: shapes, refusals, downloads and the export."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from modules.access.services import AccessService
from modules.activity.models import Note, NoteAttachment
from modules.activity.services import NoteService
from modules.records.services import RecordService

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def person(admin):
    return RecordService().create(admin, "persons", {"first_name": "Jan", "last_name": "Kos"})


@pytest.fixture
def hidden(admin):
    return RecordService().create(
        admin, "persons", {"first_name": "Ukryty", "last_name": "X"}, visibility="hidden"
    )


def docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_note_with_a_file_shows_on_the_timeline_and_downloads_as_an_attachment(
    admin_client, person
):
    # when
    created = admin_client.post(
        "/api/v1/notes/",
        {
            "entity": "persons",
            "record": person.pk,
            "body": "<p>Offer <em>sent</em></p>",
            "tags": "offer, q3",
            "files": [SimpleUploadedFile("offer.pdf", PDF), SimpleUploadedFile("a.docx", docx())],
        },
        format="multipart",
    )
    timeline = admin_client.get(f"/api/v1/persons/{person.pk}/timeline/?kind=note")
    # then
    assert created.status_code == 201, created.json()
    note = created.json()
    assert note["tags"] == ["offer", "q3"] and note["body"] == "<p>Offer <em>sent</em></p>"
    [entry] = timeline.json()["results"]
    assert entry["kind"] == "note" and entry["data"]["id"] == note["id"]
    download = admin_client.get(note["files"][0]["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="offer.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("logo.svg", b"<svg onload='alert(1)'/>", "not accepted"),
        ("report.pdf", b"<html>not a pdf</html>", "not the kind of file"),
        ("bomb.docx", None, "unpacks to far more"),
    ],
)
def test_refused_files_leave_nothing_behind(admin_client, person, name, content, words):
    # when
    answer = admin_client.post(
        "/api/v1/notes/",
        {
            "entity": "persons",
            "record": person.pk,
            "body": "with a file",
            "files": [SimpleUploadedFile(name, content or docx_bomb())],
        },
        format="multipart",
    )
    # then
    assert answer.status_code == 400
    assert words in answer.json()["errors"]["files"][0]
    assert not Note.objects.exists() and not NoteAttachment.objects.exists()


@override_settings(NOTE_ATTACHMENT_MAX_BYTES=1000)
def test_an_oversized_file_is_refused(admin_client, person):
    # when
    answer = admin_client.post(
        "/api/v1/notes/",
        {
            "entity": "persons",
            "record": person.pk,
            "body": "big",
            "files": [SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)],
        },
        format="multipart",
    )
    # then
    assert answer.status_code == 400
    assert "larger than" in answer.json()["errors"]["files"][0]
    assert not Note.objects.exists()


def test_a_hidden_record_answers_like_a_missing_one(user_client, person, hidden):
    # given
    missing = hidden.pk + 10_000
    # when
    answers = {
        label: [
            user_client.get(f"/api/v1/persons/{pk}/timeline/"),
            user_client.post(
                "/api/v1/notes/",
                {"entity": "persons", "record": pk, "body": "hi"},
                format="json",
            ),
            user_client.get(f"/api/v1/notes/?entity=persons&record={pk}"),
            user_client.get(f"/api/v1/notes/export/?entity=persons&record={pk}"),
        ]
        for label, pk in (("hidden", hidden.pk), ("missing", missing))
    }
    # then
    for hidden_answer, missing_answer in zip(answers["hidden"], answers["missing"], strict=True):
        assert hidden_answer.status_code == missing_answer.status_code == 404
        assert hidden_answer.json() == missing_answer.json()
    assert not Note.objects.exists()


def test_bad_bodies_get_a_400_per_field(admin_client, person):
    # when
    answer = admin_client.post(
        "/api/v1/notes/",
        {
            "entity": "persons",
            "record": person.pk,
            "body": "ok",
            "visibility": "all",
            "tags": [5],
            "published_at": "10000-01-01T00:00",
            "colour": "red",
        },
        format="json",
    )
    # then
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"colour"}
    answer = admin_client.post(
        "/api/v1/notes/",
        {
            "entity": "persons",
            "record": person.pk,
            "body": "ok",
            "visibility": "all",
            "tags": [5],
            "published_at": "10000-01-01T00:00",
        },
        format="json",
    )
    assert set(answer.json()["errors"]) == {"visibility", "tags", "published_at"}
    assert not Note.objects.exists()


def test_comments_likes_edits_and_the_export(admin_client, user_client, person, admin):
    # given
    note = admin_client.post(
        "/api/v1/notes/",
        {"entity": "persons", "record": person.pk, "body": "=1+1 <b>plan</b>", "tags": ["x"]},
        format="json",
    ).json()
    # when
    user_client.post(f"/api/v1/notes/{note['id']}/comments/", {"body": "Nice"}, format="json")
    liked = user_client.put(f"/api/v1/notes/{note['id']}/like/")
    refused = user_client.patch(f"/api/v1/notes/{note['id']}/", {"body": "no"}, format="json")
    edited = admin_client.patch(
        f"/api/v1/notes/{note['id']}/", {"body": "=2 plan", "version": 1}, format="json"
    )
    stale = admin_client.patch(
        f"/api/v1/notes/{note['id']}/", {"body": "late", "version": 1}, format="json"
    )
    export = admin_client.get(f"/api/v1/notes/export/?entity=persons&record={person.pk}")
    # then
    assert liked.json() == {"like_count": 1}
    assert refused.status_code == 403
    assert edited.json()["version"] == 2 and edited.json()["comment_count"] == 1
    assert stale.status_code == 409
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == "'=2 plan" and rows[1][6] == 1 and rows[1][7] == 1
    assert admin_client.delete(f"/api/v1/notes/{note['id']}/").status_code == 204
    assert not Note.objects.exists()


def test_a_private_notes_history_is_read_by_its_author_alone(
    admin_client, user_client, user, person
):
    # given
    user_client.post(
        "/api/v1/notes/",
        {"entity": "persons", "record": person.pk, "body": "secret", "visibility": "private"},
        format="json",
    )
    # when
    theirs = user_client.get(f"/api/v1/persons/{person.pk}/history/").json()["results"]
    admins = admin_client.get(f"/api/v1/persons/{person.pk}/history/").json()["results"]
    log = admin_client.get(f"/api/v1/history/?entity=persons&record={person.pk}").json()
    # then
    assert [r["action"] for r in theirs] == ["note_add", ""]
    assert theirs[0]["changes"][0]["after"] == "secret"
    assert [r["action"] for r in admins] == [""]
    assert "secret" not in str(log) and "secret" not in str(admins)


def test_changes_are_on_the_timeline_only_for_readers_of_the_history(admin, user_client, person):
    # given users may not read the history of persons
    AccessService().update_permissions(admin, "persons", system={"user": ["view", "add", "edit"]})
    NoteService().create(admin, "persons", person.pk, {"body": "shared"})
    # when
    everything = user_client.get(f"/api/v1/persons/{person.pk}/timeline/").json()
    changes = user_client.get(f"/api/v1/persons/{person.pk}/timeline/?kind=change").json()
    # then
    assert [e["kind"] for e in everything["results"]] == ["note"]
    assert changes["results"] == []


def test_notes_filter_by_tag_and_author_and_refuse_unknown_filters(
    admin_client, user_client, user, person
):
    # given
    admin_client.post(
        "/api/v1/notes/",
        {"entity": "persons", "record": person.pk, "body": "a", "tags": ["Offer"]},
        format="json",
    )
    user_client.post(
        "/api/v1/notes/",
        {"entity": "persons", "record": person.pk, "body": "b", "tags": ["call"]},
        format="json",
    )
    # when
    tagged = admin_client.get("/api/v1/notes/?tag=offer").json()["results"]
    theirs = admin_client.get(f"/api/v1/notes/?author={user.pk}").json()["results"]
    unknown = admin_client.get("/api/v1/notes/?colour=red")
    huge = admin_client.get("/api/v1/notes/?entity=persons&record=99999999999999999999999")
    # then
    assert [n["body"] for n in tagged] == ["a"] and tagged[0]["tags"] == ["Offer"]
    assert [n["body"] for n in theirs] == ["b"]
    assert unknown.status_code == 400 and "colour" in unknown.json()["errors"]
    assert huge.status_code == 404
