"""The queryset of runtime models: the trash, what a user sees, search; and the one
loader of an entity type by slug."""

import pytest

from modules.access import engine
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.models import EntityType
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService


def person(admin, first, last, *, values=None, **kwargs):
    values = {"first_name": first, "last_name": last, **(values or {})}
    return RecordService().create(admin, "persons", values, **kwargs)


def test_alive_and_trashed_split_records_by_the_trash(admin):
    # given one live and one trashed person
    live = person(admin, "Ada", "Live")
    gone = person(admin, "Bob", "Gone")
    RecordService().delete(admin, "persons", gone.pk)
    # when
    model = get_model("persons")
    # then
    assert set(model.objects.alive().values_list("pk", flat=True)) == {live.pk}
    assert set(model.objects.trashed().values_list("pk", flat=True)) == {gone.pk}


def test_visible_to_leaves_out_hidden_records_and_flags_the_masked_ones(admin, user):
    # given records of the administrator: public, non-public and hidden
    public = person(admin, "Pat", "Public")
    masked = person(admin, "Nina", "Masked", visibility="non_public")
    hidden = person(admin, "Hal", "Hidden", visibility="hidden")
    model = get_model("persons")
    # when
    seen = {r.pk: r for r in model.objects.alive().visible_to(user)}
    # then the user lists the public and the non-public one, and opens only the public one
    assert set(seen) == {public.pk, masked.pk}
    assert getattr(seen[public.pk], engine.OPEN_FLAG) is True
    assert getattr(seen[masked.pk], engine.OPEN_FLAG) is False
    assert hidden.pk in set(model.objects.visible_to(admin).values_list("pk", flat=True))


def test_search_looks_in_other_fields_only_on_records_the_user_opens(admin, user):
    # given two engineers, one non-public; the job title is not a basic field
    public = person(admin, "Pat", "Public", values={"position": "Chief Engineer"})
    masked = person(
        admin, "Nina", "Masked", visibility="non_public", values={"position": "Engineer"}
    )
    rows = get_model("persons").objects.alive()
    # when / then: by the job title the user finds only the record they open
    assert set(rows.search("engineer", user).values_list("pk", flat=True)) == {public.pk}
    assert set(rows.search("engineer", admin).values_list("pk", flat=True)) == {
        public.pk,
        masked.pk,
    }
    # by a basic field they find the non-public one too
    assert set(rows.search("nina", user).values_list("pk", flat=True)) == {masked.pk}
    # a type that is not searched (a date) adds no condition
    birthday = rows.model.entity.field("birthday")
    assert birthday.type_class.search_q(birthday, "1") is None


def test_may_open_reads_the_same_in_sql_flags_and_can(admin, user, make_user):
    # given records of several visibilities, some owned by the user
    records = [
        person(admin, "A", "Public"),
        person(admin, "B", "Masked", visibility="non_public"),
        person(admin, "C", "Own", visibility="non_public", owner=user),
        person(admin, "D", "Own hidden", visibility="hidden", owner=user),
        person(admin, "E", "Other", visibility="hidden", owner=make_user("other")),
    ]
    model = get_model("persons")
    ids = [r.pk for r in records]
    # when the three ways of deciding "may open" are asked
    by_sql = set(
        model.objects.filter(engine.open_q(user, model.entity), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    by_flag = {
        r.pk for r in model.objects.filter(pk__in=ids).visible_to(user) if engine.is_open(user, r)
    }
    by_can = {r.pk for r in model.objects.filter(pk__in=ids) if engine.can(user, "view", r)}
    # then they agree
    assert by_sql == by_flag == by_can == {ids[0], ids[2], ids[3]}


def test_an_entity_type_is_loaded_by_slug_or_not_found(db):
    # when / then
    assert EntityType.objects.alive().by_slug("persons").slug == "persons"
    with pytest.raises(EntityTypeNotFound):
        EntityType.objects.alive().by_slug("nothing_here")
    with pytest.raises(EntityTypeNotFound):
        EntityType.objects.trashed().by_slug("persons")
