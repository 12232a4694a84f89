"""Public extension points, sent from the one function that does the work (form and API alike)."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Comment; comment, score (classifier.scoring.Score), seconds (float: what deciding took
# before the comment was stored: rules, campaign memory and the model)
comment_scored = Signal()

# sender=Comment; comment (stored pending, unless campaign memory filed it), error (Exception)
scoring_failed = Signal()

# sender=Comment; comment, verdict (verdicts.Verdict), discarded (bool)
verdict_reached = Signal()

# sender=Comment; comment, decision (models.Decision)
decision_recorded = Signal()

# sender=ModelVersion; model_version
model_version_activated = Signal()

# sender=ModelVersion; model_version (the candidate), judgement (retraining.Judgement),
# promoted (bool: False when the gate refused it, or when asked not to promote)
model_retrained = Signal()
