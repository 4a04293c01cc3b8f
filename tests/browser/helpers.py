"""Steps the browser tests share."""

#: The password of every user the `make_user` fixture creates.
PASSWORD = "pw-Secret-123"


def log_in(page, username, password=PASSWORD):
    """Sign in through the login form and wait for the dashboard."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
