"""Running Hamlet in production: liveness and readiness probes, Prometheus metrics and
structured logs (docs/monitoring.md). A site includes `moderation.monitoring.urls` at its root
and adds `MonitoringMiddleware` first in MIDDLEWARE."""
