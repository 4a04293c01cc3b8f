"""A user makes a task from a template on a deal's profile, marks it done, and finds it on
the record's tasks panel, its timeline, My work and the calendar."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from modules.records.services import RecordService
from modules.tasks.models import Task
from modules.tasks.templates import TemplateService
from tests.browser.helpers import log_in, settle

pytestmark = pytest.mark.browser


def test_a_task_from_a_template_is_done_on_the_profile(page, shot, admin):
    # given a follow-up template on deals and a deal
    TemplateService().create_template(
        admin,
        {
            "name": "Follow-up",
            "task_name": "Send the offer",
            "due_in_days": 2,
            "due_time": dt.time(10),
        },
    )
    deal = RecordService().create(admin, "deals", {"name": "Kos renewal"})
    log_in(page, "root")
    page.goto(f"/records/deals/inspect/{deal.pk}/")
    panel = page.locator("[data-tasks-panel]")
    expect(panel.locator("[data-tasks-empty]")).to_be_visible()
    # when the template is chosen from the keyboard and the task added
    template = panel.get_by_label("From a template")
    template.focus()
    template.select_option(label="Follow-up")
    settle(page, panel)
    shot(page, "1-form")
    panel.get_by_role("button", name="Add the task").press("Enter")
    page.wait_for_url(f"**/records/deals/inspect/{deal.pk}/#tasks")
    # then the panel lists it, due in two days
    task = Task.objects.get()
    expect(page.get_by_text("Task “Send the offer” added.")).to_be_visible()
    item = panel.locator(f'[data-task="{task.pk}"]')
    expect(item).to_contain_text("Send the offer")
    due = timezone.localdate() + dt.timedelta(days=2)
    expect(item).to_contain_text(due.strftime("%Y"))
    # when it is marked done
    item.get_by_role("button", name="Mark “Send the offer” done").click()
    page.wait_for_url(f"**/records/deals/inspect/{deal.pk}/#tasks")
    # then it is under "Done lately", and the timeline says it was added and done
    expect(page.get_by_text("“Send the offer” is done.")).to_be_visible()
    done = panel.locator(f'.tessera-tasks__item--done[data-task="{task.pk}"]')
    expect(done).to_be_visible()
    timeline = page.locator("[data-activity-panel]")
    expect(timeline.locator('[data-kind="task"]').first).to_contain_text(
        "Task done: Send the offer"
    )
    expect(timeline.locator('[data-kind="task"]')).to_have_count(2)
    settle(page, done)
    shot(page, "2-done")
    # and the record's history names the change
    page.goto(f"/records/deals/{deal.pk}/history/")
    expect(page.get_by_text("Task “Send the offer”: Done").first).to_be_visible()
    # and My work lists nothing open, the calendar shows it on its day
    page.goto("/tasks/")
    expect(page.locator('[data-group="today"] [data-tasks-empty]')).to_be_visible()
    page.goto(f"/tasks/calendar/?view=month&date={due.isoformat()}")
    expect(
        page.locator(f'[data-day="{due.isoformat()}"] [data-calendar-task="{task.pk}"]')
    ).to_be_visible()
    shot(page, "3-calendar")
    # and on a phone the profile and the calendar page fit the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/records/deals/inspect/{deal.pk}/#tasks")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "4-phone")
    page.goto("/tasks/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "5-my-work-phone")
