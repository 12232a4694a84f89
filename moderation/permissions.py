"""Who may do what in the review queue: the one definition of "may this user moderate"."""

from __future__ import annotations

from typing import Protocol

# Declared in Comment.Meta.permissions; it also lets a moderator manage rules and follow jobs.
MODERATE_PERMISSION = "moderation.moderate_comment"


class User(Protocol):
    """Any AUTH_USER_MODEL, or AnonymousUser: request.user."""

    def has_perm(self, perm: str) -> bool: ...


def can_moderate(user: User) -> bool:
    """Return whether `user` may decide comments, add rules and recheck the queue."""
    return user.has_perm(MODERATE_PERMISSION)


def can_view_dashboard(user: User) -> bool:
    """Return whether `user` may see the dashboard: anyone who may view or moderate comments."""
    return user.has_perm("moderation.view_comment") or can_moderate(user)
