"""Public extension points, sent from the one function that does the work (form and API alike)."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Comment; comment, score (classifier.scoring.Score)
comment_scored = Signal()

# sender=Comment; comment, verdict (verdicts.Verdict), discarded (bool)
verdict_reached = Signal()

# sender=Comment; comment, decision (models.Decision)
decision_recorded = Signal()

# sender=ModelVersion; model_version
model_version_activated = Signal()
