"""The Prometheus metrics (all named hamlet_*, listed in docs/monitoring.md) and their
exposition for /metrics.

Imported only once MODERATION["METRICS"] is on (instrumentation.py feeds the counters): it
needs prometheus-client, the optional `metrics` extra. Under a server with several worker
processes, set PROMETHEUS_MULTIPROC_DIR before it starts: each worker then writes its counts to
files there and a scrape, whichever worker serves it, sums them all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import DatabaseError
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from moderation.classifier.artifacts import ModelLoadError
from moderation.classifier.registry import active_model_source
from moderation.monitoring.instrumentation import is_multiprocess
from moderation.stats import pending_count

logger = logging.getLogger(__name__)

COMMENTS = Counter(
    "hamlet_comments",
    "Comments checked, by the channel they came in by and the verdict they got.",
    ["channel", "verdict"],
)
# Scoring takes about a millisecond with the shipped linear model; campaign memory adds to it.
SCORING_SECONDS = Histogram(
    "hamlet_scoring_seconds",
    "Seconds deciding a comment the model scored took: rules, campaign memory and the model.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
SCORING_FAILURES = Counter(
    "hamlet_scoring_failures",
    "Comments that could not be scored, by the error's class.",
    ["error"],
)
MEMORY_MATCHES = Counter(
    "hamlet_memory_matches",
    "Comments campaign memory filed as near-duplicates of a labelled one, by that label.",
    ["label"],
)
DECISIONS = Counter(
    "hamlet_decisions",
    "Decisions of moderators and API clients, by action and source.",
    ["action", "source"],
)
RETRAINS = Counter(
    "hamlet_retrains",
    "Retrainings, by outcome: promoted, refused by the gate, or kept inactive.",
    ["outcome"],
)
REQUEST_SECONDS = Histogram(
    "hamlet_request_duration_seconds",
    "Seconds a request to one of Hamlet's endpoints took, middleware included.",
    ["endpoint"],
)
RESPONSES = Counter(
    "hamlet_responses",
    "Responses of Hamlet's endpoints, by status code.",
    ["endpoint", "status"],
)


class ScrapeTimeCollector(Collector):
    """The pending queue's depth and the active model's version, read when scraped (one COUNT
    query): a worker's own copy would be stale, and summing workers' copies wrong."""

    def collect(self) -> Iterator[Metric]:
        try:
            pending = pending_count()
        except DatabaseError as exc:
            # The rest of the scrape still tells something: /readyz says the database is down.
            logger.warning("Could not count the pending comments for /metrics: %s", exc)
        else:
            yield GaugeMetricFamily(
                "hamlet_pending_comments", "Comments waiting for a moderator.", value=pending
            )
        try:
            version = active_model_source().version
        except (DatabaseError, ModelLoadError, OSError) as exc:
            logger.warning("Could not read the active model's version for /metrics: %s", exc)
        else:
            yield InfoMetricFamily(
                "hamlet_model", "The model scoring new comments.", value={"version": version}
            )

    def describe(self) -> Iterator[Metric]:
        # Names only: registering must not query the database.
        yield GaugeMetricFamily("hamlet_pending_comments", "Comments waiting for a moderator.")
        yield InfoMetricFamily("hamlet_model", "The model scoring new comments.")


_scrape_time = ScrapeTimeCollector()
if not is_multiprocess():
    REGISTRY.register(_scrape_time)


def exposition() -> tuple[bytes, str]:
    """Return every metric in Prometheus' text format, and its content type."""
    registry = REGISTRY
    if is_multiprocess():
        # A registry per scrape, as prometheus-client's documentation does it: the files of
        # every worker, and the scrape-time metrics once, from this worker.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(_scrape_time)
    # Text format 0.0.4, as prometheus-client itself answers a scraper that asks for no other:
    # every Prometheus reads it (the names here need none of 1.0.0's escaping).
    return generate_latest(registry), CONTENT_TYPE_PLAIN_0_0_4
