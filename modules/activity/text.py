"""A note's rich text: sanitised on the way in (nh3), and its plain-text form.

clean_body("<p onclick=x>Hi <script>…</script><b>there</b></p>")  # "<p>Hi <b>there</b></p>"
plain_text("<p>Hi &amp; bye</p>")                                # "Hi & bye"
"""

from __future__ import annotations

import html

import nh3
from django.utils.html import strip_tags

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "h3", "h4",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
#: Characters of stored (sanitised) text a note may hold.
MAX_LENGTH = 50_000


def clean_body(text: str) -> str:
    """Only the tags, attributes and link schemes above; links open without the opener."""
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(body: str) -> str:
    """The text of sanitised rich text, paragraphs on their own lines."""
    spaced = body.replace("</p>", "</p>\n").replace("<br>", "\n").replace("</li>", "</li>\n")
    return html.unescape(strip_tags(spaced)).strip()
