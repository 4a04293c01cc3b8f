"""Errors of webhooks and the events feed, in the API's one error shape."""

from modules.core.exceptions import NotFound, TesseraError


class WebhookInvalid(TesseraError):
    """The subscription cannot be saved as given."""

    code = "webhook_invalid"


class WebhookNotFound(NotFound):
    """There is no such webhook (or it is not yours to see)."""

    code = "webhook_not_found"


class DeliveryNotFound(NotFound):
    """There is no such delivery."""

    code = "delivery_not_found"


class FeedCursorInvalid(TesseraError):
    """The feed was asked with a cursor it did not give."""

    code = "cursor_invalid"
