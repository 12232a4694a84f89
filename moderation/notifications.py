"""Tell moderators when the pending queue reaches NOTIFY_PENDING_AT: email and webhook, once.

A post_save receiver on Decision (connected in apps.py) watches the queue grow; the sending runs
in a background thread after the commit, so a reader's post never waits on SMTP or a webhook.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from moderation.conf import get_settings
from moderation.models import Decision, Status
from moderation.stats import pending_count

logger = logging.getLogger(__name__)

THREAD_NAME = "moderation-notify"
WEBHOOK_TIMEOUT = 5  # seconds


@dataclass(frozen=True)
class QueueAlert:
    """Everything a notification needs, gathered before the thread starts (no settings or DB)."""

    pending: int
    threshold: int
    queue_url: str | None
    product_name: str
    recipients: tuple[str, ...]
    webhook_url: str | None


def notify_when_queue_grows(
    sender: type[Decision], instance: Decision, created: bool, **kwargs: Any
) -> None:
    """Alert moderators when this new decision made the pending queue reach the threshold.

    Fires once per upward crossing: the queue grew by one and now holds exactly the
    threshold. It fires again only after the queue has dropped below and reached it again.
    """
    threshold = get_settings()["NOTIFY_PENDING_AT"]
    if threshold is None or not created:
        return
    if instance.status_after != Status.PENDING or instance.status_before == Status.PENDING:
        return
    # Counted inside the decision's transaction, so it includes this comment.
    pending = pending_count()
    if pending >= threshold and pending - 1 < threshold:
        alert = _build_alert(pending, threshold)
        # Not before the commit: a rolled-back hold must not page anyone.
        transaction.on_commit(partial(_start_sending, alert))


def _build_alert(pending: int, threshold: int) -> QueueAlert:
    """Return the alert for `pending` comments, addressed as MODERATION says."""
    config = get_settings()
    recipients = config["NOTIFY_EMAILS"] or _manager_addresses()
    return QueueAlert(
        pending=pending,
        threshold=threshold,
        queue_url=_queue_url(),
        product_name=config["PRODUCT_NAME"],
        recipients=tuple(recipients),
        webhook_url=config["NOTIFY_WEBHOOK_URL"],
    )


def _send_alert(alert: QueueAlert) -> None:
    """Send the email and the webhook; log failures instead of raising them."""
    if alert.recipients:
        _send_email(alert)
    if alert.webhook_url:
        _post_webhook(alert)


def _start_sending(alert: QueueAlert) -> None:
    # Not a daemon: a management command that filled the queue still sends before it exits;
    # the webhook timeout (and EMAIL_TIMEOUT, if the site sets it) bound that wait.
    threading.Thread(target=_send_alert, args=(alert,), name=THREAD_NAME).start()


def _manager_addresses() -> list[str]:
    # Django 5.2 lists (name, address) pairs; Django 6 also accepts plain addresses.
    return [entry if isinstance(entry, str) else entry[1] for entry in settings.MANAGERS]


def _queue_url() -> str | None:
    # Relative: a receiver has no request, and the project has no setting for the site's domain.
    try:
        return reverse("admin:moderation_comment_changelist") + "?status__exact=pending"
    except NoReverseMatch:
        return None


def _send_email(alert: QueueAlert) -> None:
    # Only counts and our own URL: no comment text or author names in a message. In the site's
    # language: this thread has no request, and so no reader's language.
    with translation.override(settings.LANGUAGE_CODE):
        waiting = ngettext(
            "%(count)d comment is waiting for review",
            "%(count)d comments are waiting for review",
            alert.pending,
        ) % {"count": alert.pending}
        subject = f"[{alert.product_name}] {waiting}"
        lines = [
            gettext("%(waiting)s (you are told when the queue reaches %(threshold)d).")
            % {"waiting": waiting, "threshold": alert.threshold},
        ]
        if alert.queue_url:
            lines += ["", gettext("Review queue: %(url)s") % {"url": alert.queue_url}]
    try:
        send_mail(subject, "\n".join(lines) + "\n", None, list(alert.recipients))
    except Exception:
        # How many, not who: no email addresses in logs (docs/monitoring.md).
        logger.exception(
            "Could not email the pending-queue notification to %d recipient(s)",
            len(alert.recipients),
        )


def _post_webhook(alert: QueueAlert) -> None:
    url = alert.webhook_url or ""
    # urllib also opens file:// and ftp:// URLs; a webhook is HTTP.
    if not url.startswith(("http://", "https://")):
        # The scheme only: a webhook URL often holds its secret (no secrets in logs).
        logger.error(
            "NOTIFY_WEBHOOK_URL must be an http(s) URL, not a %r URL",
            urllib.parse.urlsplit(url).scheme,
        )
        return
    payload = {
        "event": "pending_queue_threshold",
        "pending": alert.pending,
        "threshold": alert.threshold,
        "queue_url": alert.queue_url,
    }
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT):
            pass
    except (OSError, ValueError) as exc:
        host = urllib.parse.urlsplit(url).hostname
        logger.warning("Pending-queue webhook to host %s failed: %s", host, exc)
