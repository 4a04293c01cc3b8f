"""E-mail when an action is done, through Django's file mail backend, after the commit."""

import pytest
from django.test import override_settings

from modules.sales.models import Action
from tests.modules.sales.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_dir(tmp_path):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    ):
        yield tmp_path


def sent(mail_dir) -> str:
    return "\n".join(p.read_text() for p in sorted(mail_dir.iterdir()))


def test_completing_an_action_mails_those_it_names_who_may_see_the_deal(
    teams, make_deal, mail_dir, make_user, django_capture_on_commit_callbacks
):
    # given
    outsider = make_user("outsider")
    action = Action.objects.get(key="needs_identified")
    action.notify = ["managers", "users"]
    action.notify_users = [outsider.pk, teams["north2"].pk]
    action.save()
    deal = make_deal(teams["north1"], name="Mailed")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(teams["north1"]).post(
            f"/api/v1/deals/{deal.pk}/process/complete/",
            {"action": "needs_identified", "note": "Budget 10k"},
            format="json",
        )
    # then
    assert response.status_code == 200, response.content
    text = sent(mail_dir)
    assert "north_boss@example.com" in text and "north2@example.com" in text
    assert "outsider@example.com" not in text  # may not see the deal
    assert "south_boss@example.com" not in text
    assert "Needs identified" in text and "Budget 10k" in text


def test_nothing_is_sent_when_the_completion_rolls_back(teams, make_deal, mail_dir):
    # given
    action = Action.objects.get(key="needs_identified")
    action.notify = ["managers"]
    action.save()
    deal = make_deal(teams["north1"])
    # when: refused (a stale version), so nothing commits
    response = client_for(teams["north1"]).post(
        f"/api/v1/deals/{deal.pk}/process/complete/",
        {"action": "needs_identified", "version": 99},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert list(mail_dir.iterdir()) == []
