"""The admin screens never show a linked record the user may not see: no title, no id.

A public deal links to a company hidden from Piotr (a plain user); an administrator
sees it everywhere.
"""

import csv
import io


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_list_and_the_profile_show_neither_title_nor_id(client, piotr, deal, hidden_company):
    # when
    listing = page(client, piotr, "/records/deals/")
    profile = page(client, piotr, f"/records/deals/inspect/{deal.pk}/")
    # then
    assert "Big deal" in listing and "Big deal" in profile
    for shown in (listing, profile):
        assert "Hidden Co" not in shown
        assert f"#{hidden_company.pk}" not in shown


def test_an_administrator_sees_the_linked_title(client, admin, deal):
    # when
    listing = page(client, admin, "/records/deals/")
    profile = page(client, admin, f"/records/deals/inspect/{deal.pk}/")
    # then
    assert "Hidden Co" in listing and "Hidden Co" in profile


def test_the_edit_form_starts_the_hidden_link_empty(client, admin, piotr, deal, hidden_company):
    # when
    his = page(client, piotr, f"/records/deals/edit/{deal.pk}/")
    theirs = page(client, admin, f"/records/deals/edit/{deal.pk}/")
    # then the picker holds neither the id nor the title for piotr
    assert "Hidden Co" not in his
    assert f'name="company" value="{hidden_company.pk}"' not in his
    assert f'name="company" value="{hidden_company.pk}"' in theirs


def test_the_history_screen_shows_neither_title_nor_id(client, piotr, deal, hidden_company):
    # when
    shown = page(client, piotr, f"/records/deals/{deal.pk}/history/")
    # then
    assert "Big deal" in shown
    assert "Hidden Co" not in shown
    assert f"#{hidden_company.pk}" not in shown


def exported_companies(client, user) -> list[str]:
    client.force_login(user)
    response = client.get("/records/deals/?export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["Company"] for row in csv.DictReader(io.StringIO(text))]


def test_the_streamed_list_export_leaves_the_hidden_link_blank(client, admin, piotr, deal):
    # when / then
    assert exported_companies(client, piotr) == [""]
    assert exported_companies(client, admin) == ["Hidden Co"]


def test_sorting_the_list_by_a_hidden_link_is_refused_with_a_notice(client, piotr, deal):
    # when piotr sorts the deals by company, one of them linking to a hidden company
    shown = page(client, piotr, "/records/deals/?ordering=company")
    # then the list says why it keeps its own order
    assert "link to records you may not see" in shown
