from __future__ import annotations

import logging

from moderation.classifier import scoring
from moderation.classifier.registry import active_model_source


def test_warm_up_loads_the_active_model_before_any_comment(active_model):
    scoring._loaded.clear()

    scoring.warm_up()

    source = active_model_source()
    assert (source.directory, source.sha256) in scoring._loaded


def test_warm_up_without_a_model_only_logs(no_model, caplog):
    scoring._loaded.clear()

    with caplog.at_level(logging.WARNING, logger="moderation"):
        scoring.warm_up()

    assert "Could not load the spam model at start-up" in caplog.text
    assert not scoring._loaded
