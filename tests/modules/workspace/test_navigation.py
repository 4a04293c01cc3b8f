"""Navigation: a list row opens the profile; the profile shows Edit first and links its link
fields to the linked records' profiles; saving returns to the profile."""

import re

from modules.records.services import RecordService


def test_a_list_row_opens_the_profile(db, client, admin):
    acme = RecordService().create(admin, "companies", {"name": "Acme"})
    client.force_login(admin)
    page = client.get("/records/companies/").content.decode()
    title = re.search(r'<a href="([^"]+)">\s*<span id="record_\d+_title">Acme</span>', page)
    assert title and title.group(1) == f"/records/companies/inspect/{acme.pk}/"


def test_the_profile_offers_edit_first_and_links_the_linked_record(db, client, admin, piotr):
    acme = RecordService().create(admin, "companies", {"name": "Acme"})
    jan = RecordService().create(
        admin,
        "persons",
        {"first_name": "Jan", "last_name": "Kowalski", "company": acme.pk},
        visibility="non_public",
    )
    client.force_login(admin)
    page = client.get(f"/records/persons/inspect/{jan.pk}/").content.decode()
    assert f'href="/records/persons/edit/{jan.pk}/"' in page and "data-profile-edit" in page
    assert f'<a href="/records/companies/inspect/{acme.pk}/" data-record-link>Acme</a>' in page
    # who may only list it (non-public) gets no Edit
    client.force_login(piotr)
    theirs = client.get(f"/records/persons/inspect/{jan.pk}/").content.decode()
    assert "data-profile-edit" not in theirs


def test_a_hidden_linked_record_is_neither_named_nor_linked(db, client, admin, piotr):
    hidden = RecordService().create(admin, "companies", {"name": "Hidden Co"}, visibility="hidden")
    jan = RecordService().create(
        admin, "persons", {"first_name": "Jan", "last_name": "K", "company": hidden.pk}
    )
    client.force_login(piotr)
    page = client.get(f"/records/persons/inspect/{jan.pk}/").content.decode()
    assert "Hidden Co" not in page and f"/inspect/{hidden.pk}/" not in page


def test_saving_returns_to_the_profile(db, client, admin):
    client.force_login(admin)
    created = client.post("/records/companies/new/", {"name": "Fresh Ltd", "visibility": "public"})
    assert created.status_code == 302
    acme = RecordService().get(admin, "companies", created["Location"].rstrip("/").split("/")[-1])
    assert created["Location"] == f"/records/companies/inspect/{acme.pk}/"
    edited = client.post(
        f"/records/companies/edit/{acme.pk}/",
        {"name": "Fresh Ltd 2", "visibility": "public", "version": acme.version},
    )
    assert edited.status_code == 302
    assert edited["Location"] == f"/records/companies/inspect/{acme.pk}/"
