"""The task screens: My work and its team view, the calendar, Settings > Tasks and the
profile's panel, opened as users do, with what each may see."""

import datetime as dt

from django.utils import timezone

from modules.accounts.models import Membership, Team
from modules.records.services import RecordService
from modules.tasks.models import TaskSettings, TaskTemplate, TaskType
from modules.tasks.services import TaskService


def test_my_work_groups_my_tasks_and_the_team_view_shows_my_teams(client, make_user):
    # given a manager of a team with Ola in it, and tasks of each
    boss, ola, other = make_user("boss"), make_user("ola"), make_user("other")
    team = Team.objects.create(name="Sales")
    Membership.objects.create(team=team, user=boss, role="manager")
    Membership.objects.create(team=team, user=ola, role="user")
    now = timezone.now()
    TaskService().create(boss, {"name": "Late one", "due_at": now - dt.timedelta(days=1)})
    TaskService().create(boss, {"name": "Later one", "due_at": now + dt.timedelta(days=3)})
    TaskService().create(ola, {"name": "Call by Ola", "due_at": now + dt.timedelta(days=1)})
    TaskService().create(other, {"name": "Not for the boss", "due_at": now})
    client.force_login(boss)
    # when the boss opens My work, then the team view
    mine = client.get("/tasks/").content.decode()
    team_view = client.get("/tasks/?who=team").content.decode()
    # then the groups hold what is due when, and the team view Ola's task only
    assert mine.index("Late one") < mine.index("Later one") and "Call by Ola" not in mine
    assert "Call by Ola" in team_view and "Late one" not in team_view
    assert "Not for the boss" not in mine + team_view
    # and Ola, who manages nobody, gets nothing in the team view
    client.force_login(ola)
    assert "Call by Ola" not in client.get("/tasks/?who=team").content.decode()


def test_the_calendar_shows_each_occurrence_of_a_repeating_task(client, user):
    monday = dt.date(2027, 3, 1)
    TaskService().create(
        user,
        {
            "name": "Weekly sync",
            "due_at": dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
            "repetition": "FREQ=WEEKLY;BYDAY=MO",
        },
    )
    client.force_login(user)
    page = client.get(f"/tasks/calendar/?view=month&date={monday.isoformat()}").content.decode()
    assert page.count("Weekly sync") == 5  # 1, 8, 15, 22 and 29 March 2027
    week = client.get("/tasks/calendar/?view=week&date=2027-03-10").content.decode()
    assert week.count("Weekly sync") == 1
    assert client.get("/tasks/calendar/?view=week&date=not-a-date").status_code == 200


def test_settings_are_for_administrators_and_write_through_the_services(client, admin, user):
    client.force_login(user)
    assert client.get("/settings/tasks/").status_code == 403
    client.force_login(admin)
    assert client.get("/settings/tasks/").status_code == 200
    client.post("/settings/tasks/", {"action": "add_type", "type-name": "Call"})
    client.post("/settings/tasks/", {"action": "statuses", "enabled": "1"})
    client.post(
        "/settings/tasks/",
        {
            "action": "add_template",
            "template-name": "Welcome",
            "template-task_name": "Welcome call",
            "template-priority": "normal",
            "template-due_in_days": "1",
            "template-assignee": "acting_user",
            "template-entity_types": ["deals"],
        },
    )
    assert list(TaskType.objects.values_list("name", flat=True)) == ["Call"]
    assert TaskSettings.current().statuses_enabled
    assert TaskTemplate.objects.get().entity_types == ["deals"]
    # a bad template names the problem and adds nothing
    answer = client.post(
        "/settings/tasks/", {"action": "add_template", "template-name": ""}, follow=True
    )
    assert TaskTemplate.objects.count() == 1 and answer.status_code == 200


def test_the_profile_panel_lists_only_tasks_the_viewer_may_see(client, admin, user):
    deal = RecordService().create(admin, "deals", {"name": "Deal"}, visibility="public")
    link = [{"entity": "deals", "id": deal.pk}]
    TaskService().create(admin, {"name": "Shared task", "links": link})
    TaskService().create(admin, {"name": "Private task of Ada", "private": True, "links": link})
    client.force_login(user)
    page = client.get(f"/records/deals/inspect/{deal.pk}/").content.decode()
    assert "Shared task" in page and "Private task of Ada" not in page
    # and a task added on a record the user may not see is a 404
    hidden = RecordService().create(admin, "deals", {"name": "Hidden"}, visibility="hidden")
    answer = client.post(f"/records/deals/{hidden.pk}/tasks/add/", {"name": "Peek"})
    assert answer.status_code == 404
