"""Stored state of the flow: comments, their decision history (the labels), model versions,
rules, jobs and API keys; one module each, all importable from here as Django expects."""

from __future__ import annotations

from moderation.models.api_keys import ApiKey, ApiUsage
from moderation.models.comments import ANONYMOUS, Comment, CommentQuerySet, PendingFirst, Status
from moderation.models.decisions import LABEL_FOR_ACTION, LABEL_SOURCES, Action, Decision, Source
from moderation.models.jobs import Job
from moderation.models.rules import Rule, RuleKind
from moderation.models.versions import ModelVersion

__all__ = [
    "ANONYMOUS",
    "LABEL_FOR_ACTION",
    "LABEL_SOURCES",
    "Action",
    "ApiKey",
    "ApiUsage",
    "Comment",
    "CommentQuerySet",
    "Decision",
    "Job",
    "ModelVersion",
    "PendingFirst",
    "Rule",
    "RuleKind",
    "Source",
    "Status",
]
