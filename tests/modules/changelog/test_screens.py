"""History in the admin: the record's history tab and Settings > Change log."""

import io

import openpyxl

from modules.records.services import RecordService

records = RecordService()


def test_the_profile_links_its_history_tab_which_lists_changes(client, admin):
    # given an edited person
    ann = records.create(admin, "persons", {"first_name": "Ann", "last_name": "Lee"})
    records.update(admin, "persons", ann.pk, {"source": "event"})
    client.force_login(admin)
    # when the profile is opened
    profile = client.get(f"/records/persons/inspect/{ann.pk}/")
    assert profile.status_code == 200
    url = f"/records/persons/{ann.pk}/history/"
    assert url in profile.content.decode()
    # then the tab lists both writes, newest first, with readable values
    page = client.get(url).content.decode()
    assert page.index('data-operation="update"') < page.index('data-operation="create"')
    assert "Event" in page and "Ann" in page


def test_the_history_tab_answers_like_the_profile(client, admin, make_user):
    owner, stranger = make_user("owner"), make_user("stranger")
    hidden = records.create(
        admin, "companies", {"name": "Hidden"}, owner=owner, visibility="hidden"
    )
    client.force_login(stranger)
    assert client.get(f"/records/companies/{hidden.pk}/history/").status_code == 404


def test_the_change_log_filters_links_records_and_marks_deleted_ones(client, admin):
    # given a live and a deleted company
    live = records.create(admin, "companies", {"name": "Live Ltd"})
    gone = records.create(admin, "companies", {"name": "Gone Ltd"})
    records.delete(admin, "companies", gone.pk)
    client.force_login(admin)
    # when the log is filtered to deletions
    page = client.get("/settings/change-log/?operation=delete").content.decode()
    # then only the deletion shows, marked deleted, with a restore button
    assert "Gone Ltd" in page and "Live Ltd" not in page
    assert "data-record-deleted" in page
    assert f"/records/companies/restore/{gone.pk}/" in page
    # and unfiltered, the live record links to its profile
    page = client.get("/settings/change-log/?entity=companies").content.decode()
    assert f"/records/companies/inspect/{live.pk}/" in page


def test_the_change_log_exports_the_filtered_rows(client, admin):
    records.create(admin, "companies", {"name": "Acme"})
    records.create(admin, "persons", {"first_name": "Ann", "last_name": "Lee"})
    client.force_login(admin)
    response = client.get("/settings/change-log/?entity=companies&export=xlsx")
    assert response.status_code == 200
    lines = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert {line[2] for line in lines[1:]} == {"Company"}
    assert ("Name", None, "Acme") in {(line[7], line[8], line[9]) for line in lines[1:]}


def test_a_bad_filter_is_shown_not_a_500(client, admin):
    client.force_login(admin)
    response = client.get("/settings/change-log/?since=not-a-date&operation=explode")
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_the_change_log_is_for_administrators(client, user):
    client.force_login(user)
    assert client.get("/settings/change-log/").status_code == 403
