"""The embedded default (`make run`): DEBUG off, a kept secret key, cookies over http."""

import pytest

from tests.test_settings import settings_in_a_fresh_process

pytestmark = pytest.mark.smoke


def test_the_embedded_default_makes_a_secret_key_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    env = {"EMBEDDED": "true", "SECRET_KEY_FILE": str(key_file)}
    expression = (
        "settings.SECRET_KEY, settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.ALLOWED_HOSTS"
    )
    first = settings_in_a_fresh_process(env, expression)
    assert first.returncode == 0, first.stderr
    key = key_file.read_text().strip()
    assert len(key) >= 50 and "insecure" not in key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.stdout.strip() == f"{key} False False False ['127.0.0.1', 'localhost']"
    again = settings_in_a_fresh_process(env, "settings.SECRET_KEY")
    assert again.stdout.strip() == key


def test_debug_is_turned_on_by_the_environment_only(tmp_path):
    env = {"EMBEDDED": "true", "SECRET_KEY_FILE": str(tmp_path / "key"), "DEBUG": "true"}
    assert settings_in_a_fresh_process(env, "settings.DEBUG").stdout.strip() == "True"


def test_no_release_check_nor_banner_calls_outside():
    result = settings_in_a_fresh_process(
        {"SECRET_KEY": "s"},
        "settings.WAGTAIL_ENABLE_UPDATE_CHECK, settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER",
    )
    assert result.stdout.strip() == "False False"
