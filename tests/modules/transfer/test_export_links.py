"""Exports name linked records as the exporting user may see them, also while a csv
streams after the view has returned: a link to a record hidden from them is a blank cell.

A public deal links to a company hidden from Piotr (tests/fixtures/links.py).
"""

import csv
import io

import openpyxl
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.smoke


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_streamed_csv_export_does_not_carry_the_hidden_title(piotr, admin, deal):
    # when both export the deals as csv, written while the response streams
    his = client_for(piotr).get("/api/v1/deals/export/?format=csv")
    theirs = client_for(admin).get("/api/v1/deals/export/?format=csv")
    # then
    assert his.streaming and theirs.streaming
    his_rows, their_rows = csv_rows(his), csv_rows(theirs)
    assert [(r["Name"], r["Company"]) for r in his_rows] == [("Big deal", "")]
    assert [(r["Name"], r["Company"]) for r in their_rows] == [("Big deal", "Hidden Co")]


def test_an_xlsx_export_leaves_the_hidden_link_blank(piotr, deal):
    # when
    response = client_for(piotr).get("/api/v1/deals/export/?format=xlsx")
    # then
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    company = header.index("Company")
    assert [row[company] for row in rows] == [None]
