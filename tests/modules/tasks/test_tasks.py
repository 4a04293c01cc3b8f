"""Tasks through the API: links, access, privacy, bad input, done and repetition, history
on the linked records, templates and post-sale sets, and the calendar feed."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from modules.history.models import RowHistory
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.sales import signals as sales_signals
from modules.sales import task_templates as sales_templates
from modules.sales.models import Action
from modules.tasks.models import Task, TaskSet, TaskTemplate
from modules.tasks.services import TaskService
from modules.tasks.templates import TemplateService

records = RecordService()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def soon(days=1, hour=9):
    moment = timezone.now() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_a_task_linked_to_records_of_two_types_is_listed_on_each(admin):
    # given a company and a deal
    company = records.create(admin, "companies", {"name": "Acme"})
    deal = records.create(admin, "deals", {"name": "Acme renewal"})
    # when a task is made about both
    answer = client_for(admin).post(
        "/api/v1/tasks/",
        {
            "name": "Call the buyer",
            "due_at": soon().isoformat(),
            "priority": "high",
            "links": [
                {"entity": "companies", "id": company.pk},
                {"entity": "deals", "id": deal.pk},
            ],
        },
        format="json",
    )
    # then it is made, and each record's task list has it
    assert answer.status_code == 201, answer.json()
    titles = [link["title"] for link in answer.json()["links"]]
    assert titles[0] == "Acme" and titles[1].endswith(" Acme renewal")
    for slug, record in (("companies", company), ("deals", deal)):
        listed = client_for(admin).get(f"/api/v1/tasks/?entity={slug}&record={record.pk}")
        assert [t["name"] for t in listed.json()["results"]] == ["Call the buyer"]


def test_a_link_to_a_record_out_of_sight_reads_like_a_missing_one(user, hidden_company):
    # when a plain user links a hidden company, and then an id no record has
    hidden = client_for(user).post(
        "/api/v1/tasks/",
        {"name": "Snoop", "links": [{"entity": "companies", "id": hidden_company.pk}]},
        format="json",
    )
    missing = client_for(user).post(
        "/api/v1/tasks/",
        {"name": "Snoop", "links": [{"entity": "companies", "id": hidden_company.pk + 1000}]},
        format="json",
    )
    # then both answer the same words, and nothing is made
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()
    assert hidden.json()["errors"] == {"links.0": ["Not found."]}
    assert not Task.objects.exists()


def test_who_sees_a_task(admin, user, make_user, piotr):
    # given a public deal, a hidden one, and tasks of Ada's on each
    public = records.create(admin, "deals", {"name": "Open deal"}, visibility="public")
    hidden = records.create(admin, "deals", {"name": "Secret deal"}, visibility="hidden")
    on_public = TaskService().create(
        admin, {"name": "On public", "links": [{"entity": "deals", "id": public.pk}]}
    )
    on_hidden = TaskService().create(
        admin, {"name": "On hidden", "links": [{"entity": "deals", "id": hidden.pk}]}
    )
    private = TaskService().create(
        user,
        {
            "name": "Private one",
            "private": True,
            "members": {"users": [piotr.pk]},
            "links": [{"entity": "deals", "id": public.pk}],
        },
    )

    # then Alice sees the task on the public deal and her own private one
    def names(who):
        return sorted(t.name for t in TaskService().visible(who))

    assert names(user) == ["On public", "Private one"]
    # and Piotr, a member of the private task, sees it too
    assert names(piotr) == ["On public", "Private one"]
    # and a third user does not see the private one, though they may open its deal
    assert names(make_user()) == ["On public"]
    # and the administrator sees every task that is not private
    assert names(admin) == ["On hidden", "On public"]
    # and a hidden task's id answers 404 like a missing id
    outsider = client_for(make_user())
    assert (
        outsider.get(f"/api/v1/tasks/{on_hidden.pk}/").json()
        == outsider.get("/api/v1/tasks/999999/").json()
    )
    assert outsider.get(f"/api/v1/tasks/{private.pk}/").status_code == 404
    assert client_for(user).get(f"/api/v1/tasks/{on_public.pk}/").status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x", "priority": "urgent"}, "priority"),
        ({"name": "x", "due_at": "tomorrow"}, "due_at"),
        ({"name": "x", "reminders": ["2001-01-01T10:00:00Z"]}, "reminders"),
        (
            {"name": "x", "due_at": "2030-01-01T10:00:00Z", "repetition": "FREQ=DAILY;INTERVAL=0"},
            "repetition",
        ),
        ({"name": "x", "repetition": "FREQ=DAILY"}, "repetition"),
        (
            {"name": "x", "starts_at": "2030-01-02T10:00:00Z", "due_at": "2030-01-01T10:00:00Z"},
            "due_at",
        ),
        ({"name": "x", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"name": "x", "responsible": 2**62}, "responsible"),
        ({"name": "x", "members": {"users": [2**62]}}, "members.users"),
        ({"name": "x", "links": [{"entity": "nothing", "id": 1}]}, "links.0"),
        ({"name": "x", "links": [{"entity": "deals", "id": 2**64}]}, "links.0.id"),
        ({"name": "x", "type": 99999}, "type"),
        ({"name": "x", "status": 1}, "status"),
        ({"name": "x", "colour": "red"}, "colour"),
        ({"name": " \t\n"}, "name"),
        ({"name": "x" * 256}, "name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(user, body, field):
    answer = client_for(user).post("/api/v1/tasks/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"], answer.json()
    assert not Task.objects.exists()


def test_done_on_a_repeating_task_makes_the_next_one_and_undone_takes_it_back(user):
    # given a weekly task
    due = soon(days=2, hour=10)
    task = TaskService().create(
        user,
        {
            "name": "Weekly report",
            "due_at": due,
            "repetition": "FREQ=WEEKLY",
            "time_zone": "Europe/Warsaw",
        },
    )
    client = client_for(user)
    # when it is marked done
    answer = client.post(f"/api/v1/tasks/{task.pk}/done/", {"done": True}, format="json")
    # then the next one is due a week later at the same wall-clock time, repeating on
    assert answer.json()["done"] is True and answer.json()["repetition"] == ""
    following = Task.objects.get(previous=task)
    assert following.repetition == "FREQ=WEEKLY" and following.done_at is None
    assert (
        following.due_at.astimezone(dt.UTC).date()
        == (due + dt.timedelta(days=7)).astimezone(dt.UTC).date()
    )
    # when it is marked not done again
    client.post(f"/api/v1/tasks/{task.pk}/done/", {"done": False}, format="json")
    # then the next one is gone and the rule is back
    assert list(Task.objects.values_list("repetition", flat=True)) == ["FREQ=WEEKLY"]


def test_a_stale_version_is_a_409_and_changes_nothing(user):
    task = TaskService().create(user, {"name": "One"})
    client = client_for(user)
    assert (
        client.patch(
            f"/api/v1/tasks/{task.pk}/", {"name": "Two", "version": 1}, format="json"
        ).status_code
        == 200
    )
    stale = client.patch(
        f"/api/v1/tasks/{task.pk}/", {"name": "Three", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert Task.objects.get().name == "Two"


def test_task_changes_are_in_the_linked_records_history(admin, user):
    # given a deal and a task on it
    deal = records.create(admin, "deals", {"name": "Deal"}, visibility="public")
    task = TaskService().create(
        admin, {"name": "Call", "links": [{"entity": "deals", "id": deal.pk}]}
    )
    # when its dates, people, priority, repetition and privacy change, and it is deleted
    TaskService().update(
        admin,
        task.pk,
        {
            "due_at": soon(),
            "responsible": user.pk,
            "members": {"users": [admin.pk]},
            "priority": "high",
            "reminders": [soon(hour=8)],
        },
    )
    TaskService().update(admin, task.pk, {"repetition": "FREQ=DAILY", "name": "Call back"})
    TaskService().delete(admin, task.pk)
    # then the deal's history has each change under the task's keys
    entity = get_snapshot().entity("deals")
    rows = RowHistory.objects.filter(entity_type_id=entity.id, record_id=deal.pk).order_by("id")
    actions = [r.action for r in rows]
    assert actions[-4:] == ["task_add", "task_update", "task_update", "task_delete"]
    changed = set(rows[len(rows) - 3].changes)
    prefix = f"task.{task.pk}."
    assert changed == {
        prefix + k for k in ("due_at", "responsible", "members", "priority", "reminders")
    }
    assert rows[len(rows) - 2].changes[prefix + "name"] == ["Call", "Call back"]
    assert rows[len(rows) - 2].labels[prefix + "repetition"] == "Task “Call back”: Repetition"


def test_a_private_tasks_history_names_what_changed_but_no_values(admin):
    deal = records.create(admin, "deals", {"name": "Deal"}, visibility="public")
    TaskService().create(
        admin,
        {"name": "Secret plan", "private": True, "links": [{"entity": "deals", "id": deal.pk}]},
    )
    row = RowHistory.objects.filter(action="task_add").get()
    assert "Secret plan" not in str(row.changes) + str(row.labels)
    assert all(values == [None, None] for values in row.changes.values())


def test_a_template_makes_a_task_due_days_later_for_the_records_owner(admin, user):
    # given a template offered on deals, two days after, at 10:00, for the owner
    template = TemplateService().create_template(
        admin,
        {
            "name": "Follow-up",
            "task_name": "Follow up the offer",
            "due_in_days": 2,
            "due_time": dt.time(10),
            "assignee": "record_owner",
            "entity_types": ["deals"],
        },
    )
    deal = records.create(admin, "deals", {"name": "Deal"}, owner=user, visibility="public")
    person = records.create(admin, "persons", {"first_name": "Jan", "last_name": "Kos"})
    client = client_for(admin)
    # when it is applied on the deal
    answer = client.post(
        f"/api/v1/task-templates/{template.pk}/apply/",
        {"entity": "deals", "id": deal.pk},
        format="json",
    )
    # then the task is the owner's, due in two days at 10:00, linked to the deal
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["responsible"]["id"] == user.pk and body["links"][0]["id"] == deal.pk
    due = dt.datetime.fromisoformat(body["due_at"]).astimezone(timezone.get_current_timezone())
    assert due.date() == timezone.localdate() + dt.timedelta(days=2) and due.hour == 10
    # and it is not offered on persons
    refused = client.post(
        f"/api/v1/task-templates/{template.pk}/apply/",
        {"entity": "persons", "id": person.pk},
        format="json",
    )
    assert refused.status_code == 400 and "template" in refused.json()["errors"]


def test_post_sale_sets_are_made_from_the_moment_the_deal_was_won(admin):
    first = TaskTemplate.objects.create(name="Thank", task_name="Thank the client", due_in_days=1)
    second = TaskTemplate.objects.create(
        name="Invoice", task_name="Send the invoice", due_in_days=3
    )
    post_sale = TemplateService().create_set(
        admin, {"name": "After sale", "post_sale": True, "templates": [first.pk, second.pk]}
    )
    TemplateService().create_set(admin, {"name": "Manual", "templates": [first.pk]})
    deal = records.create(admin, "deals", {"name": "Won deal"})
    won_at = timezone.now() - dt.timedelta(days=1)
    # when the deal is won
    tasks = TemplateService().post_sale(admin, "deals", deal.pk, won_at)
    # then only the post-sale set's tasks are made, dated from the win
    assert post_sale.templates.count() == 2
    assert [(t.name, t.due_at.date()) for t in tasks] == [
        (
            "Thank the client",
            (won_at + dt.timedelta(days=1)).astimezone(timezone.get_current_timezone()).date(),
        ),
        (
            "Send the invoice",
            (won_at + dt.timedelta(days=3)).astimezone(timezone.get_current_timezone()).date(),
        ),
    ]
    assert TaskSet.objects.count() == 2


def test_the_calendar_feed_holds_my_tasks_checked_when_read_and_dies_when_revoked(
    admin, user, make_user
):
    # given Alice's task on a deal, a task she is a member of, and one she has no part in
    deal = records.create(admin, "deals", {"name": "Deal"}, visibility="public")
    TaskService().create(
        admin,
        {
            "name": "Mine",
            "responsible": user.pk,
            "due_at": soon(),
            "repetition": "FREQ=WEEKLY;BYDAY=MO",
            "links": [{"entity": "deals", "id": deal.pk}],
        },
    )
    TaskService().create(
        admin,
        {"name": "Member", "members": {"users": [user.pk]}, "due_at": soon(), "all_day": True},
    )
    TaskService().create(
        admin, {"name": "Not mine", "due_at": soon(), "links": [{"entity": "deals", "id": deal.pk}]}
    )
    client = client_for(user)
    url = client.post("/api/v1/me/calendar-feed/").json()["url"]
    anonymous = APIClient()
    # when the feed is read without signing in
    answer = anonymous.get(url)
    # then it is iCalendar with her two tasks
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == ["Member", "Mine"]
    mine = next(e for e in events if str(e["summary"]) == "Mine")
    assert mine["rrule"]["FREQ"] == ["WEEKLY"]
    # when a new address is made, the old one is a 404; revoked, the new one too
    second = client.post("/api/v1/me/calendar-feed/").json()["url"]
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(second).status_code == 200
    client.delete("/api/v1/me/calendar-feed/")
    assert anonymous.get(second).status_code == 404
    assert anonymous.get(second).json()["code"] == "not_found"


def test_types_statuses_and_templates_are_written_by_administrators_only(user, admin):
    assert (
        client_for(user).post("/api/v1/task-types/", {"name": "Call"}, format="json").status_code
        == 403
    )
    assert (
        client_for(admin).post("/api/v1/task-types/", {"name": "Call"}, format="json").status_code
        == 201
    )
    assert client_for(user).get("/api/v1/task-types/").json()[0]["name"] == "Call"
    assert (
        client_for(admin).post("/api/v1/task-types/", {"name": "Call"}, format="json").status_code
        == 400
    )
    # statuses are off until an administrator turns them on
    status = (
        client_for(admin).post("/api/v1/task-statuses/", {"name": "Waiting"}, format="json").json()
    )
    refused = client_for(user).post(
        "/api/v1/tasks/", {"name": "x", "status": status["id"]}, format="json"
    )
    assert refused.status_code == 400 and "status" in refused.json()["errors"]
    client_for(admin).put("/api/v1/task-settings/", {"statuses_enabled": True}, format="json")
    made = client_for(user).post(
        "/api/v1/tasks/", {"name": "x", "status": status["id"]}, format="json"
    )
    assert made.status_code == 201 and made.json()["status"]["name"] == "Waiting"


def test_sales_signals_make_the_named_task_and_the_post_sale_sets(admin):
    # given a template with a key, a post-sale set and a deal
    follow_up = TemplateService().create_template(
        admin, {"name": "Call back", "task_name": "Call the client back", "due_in_days": 1}
    )
    thanks = TemplateService().create_template(admin, {"name": "Thanks", "task_name": "Say thanks"})
    TemplateService().create_set(
        admin, {"name": "After sale", "post_sale": True, "templates": [thanks.pk]}
    )
    deal = records.create(admin, "deals", {"name": "Deal"})
    # then sales is offered the template's key
    assert sales_templates.known()["call-back"] == "Call back" and follow_up.key == "call-back"
    # when an action naming it is completed, and the deal is won
    sales_signals.action_completed.send(
        object,
        entity="deals",
        record_id=deal.pk,
        action=Action(task_template="call-back"),
        completion=None,
        user=admin,
    )
    sales_signals.action_completed.send(
        object,
        entity="deals",
        record_id=deal.pk,
        action=Action(task_template="gone"),
        completion=None,
        user=admin,
    )
    sales_signals.deal_won.send(object, entity="deals", record_id=deal.pk, user=admin)
    # then the deal has both tasks
    made = TaskService().visible(admin).filter(links__record_id=deal.pk).order_by("id")
    assert [t.name for t in made] == ["Call the client back", "Say thanks"]
