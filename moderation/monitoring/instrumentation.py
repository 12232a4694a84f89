"""What feeds the Prometheus metrics (metrics.py): receivers of the flow's signals and the
request timings MonitoringMiddleware reports. Each is a no-op while MODERATION["METRICS"] is
off, so they are connected always and prometheus-client is imported only once it is on.

Counting stays off the comment's hot path: no query, only counters in this process's memory
(or its file, in multi-process mode).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextvars import ContextVar, Token
from functools import cache, wraps
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any, ParamSpec

from django.http import HttpRequest, HttpResponseBase
from django.urls import ResolverMatch

from moderation.conf import get_settings
from moderation.models import Comment, Decision, ModelVersion
from moderation.verdicts import Verdict

if TYPE_CHECKING:
    from moderation.retraining import Judgement

# The app namespaces of Hamlet's URLconfs, whose requests are timed, and the channel a comment
# checked through each came in by (hamlet_comments_total's `channel` label).
CHANNEL_FOR_APP = {"moderation": "form", "moderation_api": "json_api", "akismet": "akismet"}
ADAPTER = "adapter"  # a site's own comment row, moderated through moderation.adapters
OTHER = "other"  # submit_comment() called outside a request to one of the URLconfs above
UNSCORED = "unscored"  # the `verdict` of a comment held for review because scoring failed

_channel: ContextVar[str | None] = ContextVar("hamlet_channel", default=None)
logger = logging.getLogger(__name__)
P = ParamSpec("P")


def harmless(count: Callable[P, None]) -> Callable[P, None]:
    """Wrap a counting function so that a failure to count is logged, never raised: metrics that
    cannot be written (PROMETHEUS_MULTIPROC_DIR gone, check moderation.E015) must not turn a
    stored comment or a recorded decision into an error page."""

    @wraps(count)
    def counting(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            count(*args, **kwargs)
        except Exception as exc:
            logger.error("Could not update the metrics: %s", exc)

    return counting


@cache
def is_installed() -> bool:
    """Return whether prometheus-client (the `metrics` extra) can be imported."""
    return find_spec("prometheus_client") is not None


def is_enabled() -> bool:
    """Return whether metrics are counted and served: METRICS is on and the library there."""
    return get_settings()["METRICS"] is True and is_installed()


def is_multiprocess() -> bool:
    """Return whether each worker writes its metrics to files in PROMETHEUS_MULTIPROC_DIR
    (gunicorn with several workers), summed when scraped."""
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def bind_channel() -> Token[str | None]:
    """Start a request with no channel known yet (MonitoringMiddleware; reset with the token)."""
    return _channel.set(None)


def unbind_channel(token: Token[str | None]) -> None:
    _channel.reset(token)


def enter_view(match: ResolverMatch | None) -> None:
    """Note which of Hamlet's URLconfs the current request was routed to, if any."""
    _channel.set(CHANNEL_FOR_APP.get(match.app_name) if match is not None else None)


def channel_of(comment: Comment) -> str:
    """Return where `comment` came in: form, json_api, akismet, adapter or other."""
    if comment.origin_type_id is not None:
        return ADAPTER
    return _channel.get() or OTHER


@harmless
def observe_request(request: HttpRequest, response: HttpResponseBase, seconds: float) -> None:
    """Time a request to one of Hamlet's endpoints (the probes and the scrape aside)."""
    match = request.resolver_match
    if match is None or match.app_name not in CHANNEL_FOR_APP or not is_enabled():
        return
    from moderation.monitoring import metrics

    endpoint = f"{match.app_name}:{match.url_name}"
    metrics.REQUEST_SECONDS.labels(endpoint=endpoint).observe(seconds)
    metrics.RESPONSES.labels(endpoint=endpoint, status=str(response.status_code)).inc()


@harmless
def count_verdict(sender: type[Comment], comment: Comment, verdict: Verdict, **kwargs: Any) -> None:
    """Count a checked comment by channel and verdict (connected to verdict_reached), and a
    campaign-memory match when memory filed it."""
    if not is_enabled():
        return
    from moderation.monitoring import metrics

    verdict = Verdict(verdict)
    metrics.COMMENTS.labels(channel=channel_of(comment), verdict=verdict.value).inc()
    # Set only when campaign memory decided: reported spam's near-duplicate is spam, an
    # approved comment's is held.
    if comment.matched_label_id is not None:
        label = "spam" if verdict == Verdict.SPAM else "ham"
        metrics.MEMORY_MATCHES.labels(label=label).inc()


@harmless
def count_scoring_failure(
    sender: type[Comment], comment: Comment, error: Exception, **kwargs: Any
) -> None:
    """Count a comment that could not be scored (connected to scoring_failed); one held for
    review unscored gets no verdict_reached, so it is counted as checked here."""
    if not is_enabled():
        return
    from moderation.monitoring import metrics

    metrics.SCORING_FAILURES.labels(error=type(error).__name__).inc()
    if not comment.verdict:
        metrics.COMMENTS.labels(channel=channel_of(comment), verdict=UNSCORED).inc()


@harmless
def observe_scoring(sender: type[Comment], seconds: float | None = None, **kwargs: Any) -> None:
    """Time deciding a comment the model scored (connected to comment_scored)."""
    if seconds is None or not is_enabled():
        return
    from moderation.monitoring import metrics

    metrics.SCORING_SECONDS.observe(seconds)


@harmless
def count_decision(sender: type[Comment], decision: Decision, **kwargs: Any) -> None:
    """Count a moderator's or an API client's decision (connected to decision_recorded)."""
    if not is_enabled():
        return
    from moderation.monitoring import metrics

    metrics.DECISIONS.labels(action=decision.action, source=decision.source).inc()


@harmless
def count_retrain(
    sender: type[ModelVersion], judgement: Judgement, promoted: bool, **kwargs: Any
) -> None:
    """Count a retraining by outcome (connected to model_retrained): promoted, refused by the
    gate, or kept inactive though it passed (retrain_spam_model --no-promote)."""
    if not is_enabled():
        return
    from moderation.monitoring import metrics

    outcome = "promoted" if promoted else "refused" if not judgement.promote else "kept"
    metrics.RETRAINS.labels(outcome=outcome).inc()
