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


def test_warm_up_reads_campaign_memory_before_any_comment(active_model, article, admin_user):
    from moderation import decisions, memory
    from moderation.submission import submit_comment
    from tests.campaigns import variants

    for text in variants("book", 3, seed=1):
        decisions.mark_spam(submit_comment(article, author_name="R", content=text).comment, None)
    memory.forget_memory()

    scoring.warm_up()

    assert memory._memory is not None
    assert len(memory._memory.labels) == 3
    assert memory._memory.index is not None
