"""The records lookup behind relation pickers, and the pickers on the record forms."""

import re

from modules.metamodel.services import SchemaService
from modules.records.screens.lookup import LOOKUP_LIMIT
from modules.records.services import RecordService

LOOKUP = "/records/companies/lookup/"


def found(client, q, url=LOOKUP):
    response = client.get(url, {"q": q})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(client, q, url=LOOKUP):
    return [row["title"] for row in found(client, q, url)]


def company(admin, name, **kwargs):
    return RecordService().create(admin, "companies", {"name": name}, **kwargs)


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(LOOKUP, {"q": "a"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_finds_records_by_a_part_of_a_basic_field_best_first(client, user, admin):
    # given
    nova = company(admin, "Nova Acme")
    acme = company(admin, "Acme Logistics")
    company(admin, "Beta Trading")
    client.force_login(user)
    # then matches start with the ones whose name starts with the text
    assert titles(client, "acme") == ["Acme Logistics", "Nova Acme"]
    assert found(client, "ACME")[0] == {"id": acme.pk, "title": "Acme Logistics"}
    # and every word must match
    assert titles(client, "nova acm") == ["Nova Acme"]
    assert titles(client, "nothing like it") == []
    # and a number also finds the record with that id, first
    assert found(client, str(nova.pk))[0] == {"id": nova.pk, "title": "Nova Acme"}
    # and no text gives the newest records
    assert titles(client, "")[:3] == ["Beta Trading", "Acme Logistics", "Nova Acme"]


def test_it_returns_at_most_the_limit(client, user, admin):
    for i in range(LOOKUP_LIMIT + 5):
        company(admin, f"Acme {i:02}")
    client.force_login(user)
    rows = found(client, "acme")
    assert len(rows) == LOOKUP_LIMIT
    assert [r["title"] for r in rows] == [f"Acme {i:02}" for i in range(LOOKUP_LIMIT)]


def test_a_hidden_record_of_someone_else_never_appears(client, user, admin, make_user):
    # given bob's hidden company and a public one
    bob = make_user("bob")
    hidden = company(admin, "Acme Hidden", owner=bob, visibility="hidden")
    company(admin, "Acme Open")
    client.force_login(user)
    # then alice finds it by no means
    for q in ("acme", "hidden", "Acme Hidden", str(hidden.pk), ""):
        assert hidden.pk not in {r["id"] for r in found(client, q)}, q
    assert titles(client, "acme") == ["Acme Open"]
    # while bob, its owner, does
    client.force_login(bob)
    assert "Acme Hidden" in titles(client, "acme")


def test_records_one_may_only_list_are_titled_by_basic_fields(client, user, admin, make_user):
    # given a title made of a basic and a non-basic field
    SchemaService().update_entity_type(admin, "companies", title_template="{name} {tax_number}")
    bob = make_user("bob")
    quiet = RecordService().create(
        admin,
        "companies",
        {"name": "Quiet Ltd", "tax_number": "PL-SECRET-1"},
        owner=bob,
        visibility="non_public",
    )
    company(admin, "Quiet Open")
    client.force_login(user)
    # then the non-public one is listed by its basic name only
    rows = found(client, "quiet")
    assert {"id": quiet.pk, "title": "Quiet Ltd"} in rows
    assert "SECRET" not in str(rows)
    # and its non-basic values find nothing
    assert titles(client, "SECRET") == []
    # while its owner reads the whole title
    client.force_login(bob)
    assert "Quiet Ltd PL-SECRET-1" in titles(client, "quiet")


def test_trashed_records_are_not_found(client, user, admin):
    gone = company(admin, "Acme Gone")
    RecordService().delete(admin, "companies", gone.pk)
    client.force_login(user)
    assert titles(client, "acme") == []


def test_a_lookup_of_a_type_without_searchable_basic_fields_finds_by_id(client, admin, schema):
    schema.create_entity_type(admin, slug="tickets", label="Ticket", label_plural="Tickets")
    schema.add_field(admin, "tickets", api_name="subject", label="Subject", type="text")
    ticket = RecordService().create(admin, "tickets", {"subject": "Broken"})
    client.force_login(admin)
    url = "/records/tickets/lookup/"
    assert found(client, "Broken", url) == []
    assert found(client, str(ticket.pk), url) == [
        {"id": ticket.pk, "title": f"Ticket #{ticket.pk}"}
    ]


# -- the pickers on the forms ----------------------------------------------------------------------


def picker(html: str, name: str) -> str:
    """The markup of the picker of field `name`."""
    match = re.search(
        rf'<div class="tessera-picker[^"]*"[^>]*data-name="{name}".*?</div>\s*</div>', html, re.S
    )
    assert match, f"no picker for {name}"
    return match.group(0)


def test_a_relation_field_shows_its_records_title_and_posts_its_id(client, user, admin):
    # given a person at Acme
    acme = company(admin, "Acme")
    person = RecordService().create(
        admin,
        "persons",
        {"first_name": "Jan", "last_name": "Nowak", "company": acme.pk},
        owner=user,
    )
    client.force_login(user)
    # when she opens the edit form
    html = picker(client.get(f"/records/persons/edit/{person.pk}/").content.decode(), "company")
    # then the company's picker names Acme and holds its id, with no list of records
    assert 'data-url="/records/companies/lookup/"' in html
    assert f'<input type="hidden" name="company" value="{acme.pk}" data-picker-value>' in html
    assert re.search(r'<input type="text" role="combobox"[^>]*value="Acme"', html)
    assert 'id="id_company"' in html and "<select" not in html and "<option" not in html
    # and posting another company's id saves it
    beta = company(admin, "Beta")
    response = client.post(
        f"/records/persons/edit/{person.pk}/",
        {"first_name": "Jan", "last_name": "Nowak", "company": str(beta.pk), "version": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.company_id == beta.pk


def test_a_link_to_a_record_the_user_may_not_see_shows_as_nothing(client, user, admin, make_user):
    # given a person linked to a company hidden from the user
    secret = company(admin, "Secret Corp")
    person = RecordService().create(
        admin,
        "persons",
        {"first_name": "Jan", "last_name": "Nowak", "company": secret.pk},
        owner=user,
    )
    RecordService().update(admin, "companies", secret.pk, {}, owner=make_user("bob"))
    RecordService().update(admin, "companies", secret.pk, {}, visibility="hidden")
    client.force_login(user)
    page = client.get(f"/records/persons/edit/{person.pk}/").content.decode()
    html = picker(page, "company")
    assert f'value="{secret.pk}"' not in html and f"#{secret.pk}" not in html
    assert "Secret Corp" not in page
    # and saving other changes, the picker left empty as shown, keeps the link
    response = client.post(
        f"/records/persons/edit/{person.pk}/",
        {"first_name": "Jan", "last_name": "Kowal", "company": "", "version": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert (person.last_name, person.company_id) == ("Kowal", secret.pk)


def test_a_hidden_record_cannot_be_linked_by_posting_its_id(client, user, admin, make_user):
    secret = company(admin, "Secret Corp", owner=make_user("bob"), visibility="hidden")
    client.force_login(user)
    response = client.post(
        "/records/persons/new/",
        {"first_name": "Jan", "last_name": "Nowak", "company": str(secret.pk)},
    )
    assert response.status_code == 200
    assert "No record has the id" in str(response.context["form"].errors["company"])


def test_owner_and_participants_are_user_pickers(client, user, admin, make_user):
    # given a deal owned by alice with bob as a participant
    bob = make_user("bob", first_name="Bob", last_name="Brown")
    deal = RecordService().create(
        admin,
        "deals",
        {"name": "Renewal"},
        owner=user,
        participants={"users": [bob.pk], "teams": []},
    )
    client.force_login(user)
    page = client.get(f"/records/deals/edit/{deal.pk}/").content.decode()
    owner = picker(page, "owner")
    assert 'data-url="/lookup/users/"' in owner
    assert f'name="owner" value="{user.pk}"' in owner and 'value="Alice Smith (alice)"' in owner
    participants = picker(page, "participants")
    assert 'data-multiple="true"' in participants
    assert f'<input type="hidden" name="participants" value="{bob.pk}">' in participants
    assert "Bob Brown (bob)" in participants and "Remove Bob Brown (bob)" in participants
    # when she removes bob (no chip posts no participant) and hands the deal to bob
    response = client.post(
        f"/records/deals/edit/{deal.pk}/",
        {"name": "Renewal", "number": deal.number, "owner": str(bob.pk), "version": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    deal.refresh_from_db()
    assert deal.owner_id == bob.pk


def test_an_inactive_owner_stays_valid_until_changed(client, user, admin, make_user):
    gone = make_user("gone", first_name="Gone", last_name="Away")
    deal = RecordService().create(admin, "deals", {"name": "Old"}, owner=gone)
    gone.is_active = False
    gone.save()
    client.force_login(admin)
    page = client.get(f"/records/deals/edit/{deal.pk}/").content.decode()
    assert "Gone Away (gone)" in picker(page, "owner")
    response = client.post(
        f"/records/deals/edit/{deal.pk}/",
        {"name": "Older", "number": deal.number, "owner": str(gone.pk), "version": "1"},
    )
    assert response.status_code == 302, response.context["form"].errors
    deal.refresh_from_db()
    assert (deal.name, deal.owner_id) == ("Older", gone.pk)


def test_the_picker_speaks_the_users_language(client, user):
    client.force_login(user)
    page = client.get("/records/persons/new/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Wpisz, aby wyszukać" in picker(page, "company")
