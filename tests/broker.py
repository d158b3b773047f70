"""The suite's Celery broker: kombu's in-process memory transport, readable from the tests."""

import os

from kyc.celery import app

# The broker named by the environment when the suite started (CI's Redis run), if any.
SUITE_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


def use_broker(url: str, **transport_options) -> None:
    """Point the Celery app at another broker, forgetting the connection pools built for the old one
    (kombu keeps pools per broker URL and hands the same ones back when a URL returns)."""
    app.conf.broker_url = url
    # Celery lets CELERY_BROKER_URL in the environment win over app.conf.broker_url.
    if "CELERY_BROKER_URL" in os.environ:
        os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_transport_options = transport_options
    app._pool = None
    app.amqp._producer_pool = None


def use_memory_broker() -> None:
    use_broker("memory://", polling_interval=0.05)


def use_suite_broker() -> None:
    """The broker the suite runs on: the real one named by CELERY_BROKER_URL (CI's Redis run), else
    kombu's in-process memory broker, so tests never touch the filesystem broker under ./var."""
    if SUITE_BROKER_URL:
        use_broker(SUITE_BROKER_URL)
    else:
        use_memory_broker()


def queued_messages(queue: str = "ocr") -> list[tuple[str, dict]]:
    """Take every message waiting in a queue: [(task name, kwargs)]."""
    messages = []
    with app.connection_for_read() as connection:
        simple = connection.SimpleQueue(queue)
        while True:
            try:
                message = simple.get(block=False)
            except simple.Empty:
                break
            messages.append((message.headers["task"], message.decode()[1]))
            message.ack()
        simple.close()
    return messages
