"""The admin list's filters refuse values the database cannot take, with a message."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/records/companies/?employees_min=1e999999",
        "/records/companies/?employees_max=1e-999999",
        "/records/persons/?score_min=1e999999",
    ],
)
def test_a_filter_value_the_database_cannot_take_is_a_form_error(client, user, path):
    # given
    client.force_login(user)
    # when
    response = client.get(path)
    # then the list answers, with the filter's error, instead of a 500
    assert response.status_code == 200
    assert "This number is too large." in response.content.decode() or (
        "This number has too many decimal places." in response.content.decode()
    )
