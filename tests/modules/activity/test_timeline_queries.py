"""A page of the timeline costs one query for its keys plus one per kind on it, whatever
its size, its position and what the level hides."""

import itertools

import pytest

from modules.access import engine
from modules.access.spec import user_access
from modules.activity import reader
from modules.activity.services import NoteService
from modules.metamodel.runtime import bind, get_snapshot
from modules.records.services import RecordService


@pytest.fixture
def busy(admin, make_user):
    """A person with 24 notes by three authors (the administrator's for everyone, the two
    users' for their managers and for themselves), and 8 owner changes."""
    authors = [admin, make_user(), make_user()]
    person = RecordService().create(admin, "persons", {"first_name": "B", "last_name": "Y"})
    levels = ("everyone", "managers", "private")
    for i in range(24):
        author = authors[i % 3]
        NoteService().create(
            author, "persons", person.pk, {"body": f"n{i}", "visibility": levels[i % 3]}
        )
    for i in range(8):
        RecordService().update(admin, "persons", person.pk, {}, owner=authors[(i + 1) % 3])
    return person, authors


def test_a_page_is_one_query_plus_one_per_kind(busy, django_assert_max_num_queries):
    # given
    person, authors = busy
    snapshot = get_snapshot()
    entity = snapshot.entity("persons")
    for author in authors:
        # The user's access is read once per request, and the record's checks (open,
        # view_history) come before the page.
        user_access(author)
    for viewer, size in itertools.product(authors, (5, 50)):
        cursor, seen = None, []
        assert engine.can(viewer, "view_history", person)
        while True:
            # when
            # As in a request, the schema snapshot is bound.
            with bind(snapshot), django_assert_max_num_queries(1 + 2):
                page = reader.page(viewer, entity, person, cursor=cursor, size=size)
            seen += page.items
            cursor = page.next
            if cursor is None:
                break
        # then
        notes = [i for i in seen if i.kind.type == "note"]
        changes = [i for i in seen if i.kind.type == "change"]
        assert len(changes) == 9  # created, then 8 owner changes
        assert all(i.data["changes"][0]["field"] == "owner" for i in changes[:-1])
        assert len({i.key for i in seen}) == len(seen)
        assert [i.at for i in seen] == sorted((i.at for i in seen), reverse=True)
        # 8 notes for everyone, plus each user's own 8 (no one here manages anyone).
        assert len(notes) == (8 if viewer == authors[0] else 16)
