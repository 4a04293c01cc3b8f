import pytest


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Attachments are written under the test's own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
