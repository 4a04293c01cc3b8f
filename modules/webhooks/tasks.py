"""Celery tasks of webhooks: send right after the change commits, and retry when due."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from modules.webhooks import delivery

logger = logging.getLogger(__name__)


def send_soon(ids: list[str]) -> None:
    """Hand deliveries to a worker (after commit); if the broker is away, the retry pass
    sends them."""
    try:
        send_deliveries.delay(ids)
    except OperationalError:
        logger.warning("Webhook deliveries %s wait for the retry pass", ids, exc_info=True)


@shared_task(name="modules.webhooks.tasks.send_deliveries", ignore_result=True)
def send_deliveries(ids: list[str]) -> None:
    """First attempt of the deliveries a committed change wrote."""
    for delivery_id in ids:
        delivery.attempt(delivery_id)


@shared_task(name="modules.webhooks.tasks.send_due_deliveries", ignore_result=True)
def send_due_deliveries() -> int:
    """Every pending delivery whose retry is due (Celery beat, every minute)."""
    sent = 0
    for delivery_id in delivery.due_ids():
        if delivery.attempt(delivery_id) is not None:
            sent += 1
    return sent
