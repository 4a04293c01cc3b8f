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


#: True once no finite animation or transition is running on the page.
NOTHING_MOVES = """() => document.getAnimations().every(
    a => a.playState !== "running" || a.effect.getComputedTiming().endTime === Infinity
)"""


def settle(page, locator=None):
    """Before a screenshot: scroll to what it is about, wait until transitions have ended."""
    if locator is not None:
        locator.scroll_into_view_if_needed()
    page.wait_for_function(NOTHING_MOVES)
