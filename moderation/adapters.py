"""Adapters: a site's own comment model, scored, queued and learned from where it is.

`register(BlogComment, BlogCommentAdapter)` is to comments what `admin.site.register` is to
models. The adapter says which of the site's fields holds the text, the author and the rest.
Each new row is then submitted like a comment from our own form (stored, scored, filed by the
verdict, shown in the review queue with a link to it), and every status it gets here (the
verdict, a rule, a moderator's decision, a recheck) is written back to the row's own status
field. The site's rows stay in its table: nothing is migrated, and its templates keep working.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from moderation.models import ANONYMOUS, Comment, Decision, Status
from moderation.retention import delete_keeping_labels
from moderation.submission import submit_comment

logger = logging.getLogger(__name__)

# Our Comment fields an adapter may fill from the site's row.
MAPPABLE = frozenset(
    "content author_name author_email author_url ip_address user user_agent referrer permalink "
    "language submitted_at".split()
)


class CommentAdapter:
    """How Hamlet reads one comment model of the site. Subclass it and set the attributes.

    - `fields`: our field -> the name of the site's field (or attribute) holding it; `content`
      is required, the others (see MAPPABLE) are optional.
    - `target`: the attribute holding the object the comment is under (an article); empty when
      the comment stands alone, and then it is its own target.
    - `status_field` and `status_values`: the site's field that decides whether a comment
      shows, and the value it gets for each of our statuses (a status not listed is left as
      it is). Without them nothing is written back.

    Override `comment_fields()`, `get_target()`, `write_status()` or `decision_recorded()` for
    what attributes cannot say.
    """

    fields: ClassVar[Mapping[str, str]] = {}
    target: ClassVar[str] = ""
    status_field: ClassVar[str] = ""
    status_values: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model

    def comment_fields(self, obj: models.Model) -> dict[str, Any]:
        """Return our Comment fields for the site's row `obj`."""
        values = {ours: getattr(obj, theirs) for ours, theirs in self.fields.items()}
        # The site's blank text fields may be NULL; ours are "" for unknown.
        return {
            key: "" if value is None and key not in ("ip_address", "user") else value
            for key, value in values.items()
        }

    def get_target(self, obj: models.Model) -> models.Model:
        """Return the object the comment on `obj` is under."""
        target = getattr(obj, self.target) if self.target else obj
        if not isinstance(target, models.Model):
            raise ImproperlyConfigured(
                f"{type(self).__name__}.target {self.target!r} of {obj!r} is {target!r}, "
                "not a model instance."
            )
        return target

    def write_status(self, obj: models.Model, status: Status) -> None:
        """Show or hide the site's row as our `status` says."""
        if self.status_field and status in self.status_values:
            # update(): the site's own post_save receivers (and ours) must not run again.
            self.model._default_manager.filter(pk=obj.pk).update(
                **{self.status_field: self.status_values[status]}
            )

    def decision_recorded(self, obj: models.Model, decision: Decision) -> None:
        """Called after a moderator's decision on `obj` was recorded (and its status written)."""

    def check(self) -> list[str]:
        """Return what is wrong with this adapter for its model (empty when nothing is)."""
        problems = []
        if "content" not in self.fields:
            problems.append("fields has no 'content'")
        if unknown := set(self.fields) - MAPPABLE:
            problems.append(f"fields maps unknown Comment fields {sorted(unknown)}")
        names = [*self.fields.values(), *filter(None, [self.target, self.status_field])]
        problems += [
            f"{self.model.__name__} has no field {name!r}"
            for name in names
            if not hasattr(self.model, name)
        ]
        if unknown := set(self.status_values) - set(Status):
            problems.append(f"status_values has keys that are not statuses: {sorted(unknown)}")
        return problems


_registry: dict[type[models.Model], CommentAdapter] = {}


def register(
    model: type[models.Model], adapter_class: type[CommentAdapter] = CommentAdapter
) -> CommentAdapter:
    """Score, queue and moderate the rows of the site's comment `model` through Hamlet.

    Call it from your app's `AppConfig.ready()`.
    """
    if model in _registry:
        raise ImproperlyConfigured(f"{model.__name__} is already registered with Hamlet.")
    adapter = adapter_class(model)
    if problems := adapter.check():
        raise ImproperlyConfigured(f"{adapter_class.__name__}: " + "; ".join(problems) + ".")
    _registry[model] = adapter
    uid = f"moderation.adapters.{model._meta.label}"
    post_save.connect(_row_saved, sender=model, dispatch_uid=uid)
    post_delete.connect(_row_deleted, sender=model, dispatch_uid=uid)
    return adapter


def unregister(model: type[models.Model]) -> None:
    """Stop moderating `model`'s rows (those already queued stay in the queue)."""
    del _registry[model]
    uid = f"moderation.adapters.{model._meta.label}"
    post_save.disconnect(sender=model, dispatch_uid=uid)
    post_delete.disconnect(sender=model, dispatch_uid=uid)


def adapter_for(comment: Comment) -> tuple[CommentAdapter, models.Model] | None:
    """Return the adapter and the site's row behind `comment`, if it came through one."""
    if comment.origin_type_id is None:
        return None
    model = ContentType.objects.get_for_id(comment.origin_type_id).model_class()
    adapter = _registry.get(model) if model is not None else None
    if adapter is None:
        return None
    obj = adapter.model._default_manager.filter(pk=comment.origin_pk).first()
    return (adapter, obj) if obj is not None else None


def submit(adapter: CommentAdapter, obj: models.Model) -> None:
    """Submit the site's row `obj` for moderation, as our own form would."""
    fields = _valid_fields(adapter.comment_fields(obj))
    submit_comment(adapter.get_target(obj), origin=obj, **fields)


def _valid_fields(fields: dict[str, Any]) -> dict[str, Any]:
    # The site's row is already stored and is not ours to refuse: an over-long value is cut to
    # fit, and one our Comment cannot hold (a malformed email) is left out, not the comment.
    for name, value in fields.items():
        max_length = getattr(Comment._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and max_length:
            fields[name] = value[:max_length]
    fields["author_name"] = fields.get("author_name") or ANONYMOUS
    try:
        Comment(**fields).clean_fields(exclude=["content_type", "object_pk", "guid"])
    except ValidationError as exc:
        bad = set(exc.message_dict) - {"content"}
        # Field names only: a message may quote the value (personal data stays out of logs).
        logger.warning("Leaving out fields Hamlet cannot store: %s", ", ".join(sorted(bad)))
        return {key: value for key, value in fields.items() if key not in bad}
    return fields


def _row_saved(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw or not created:  # fixtures load as they are; an edited row was submitted before
        return
    adapter = _registry[sender]
    # After the site's transaction commits: a row it rolls back was never a comment.
    # robust: a failure is logged, never raised into the site's view; the row stays hidden.
    transaction.on_commit(lambda: submit(adapter, instance), robust=True)


def _row_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    pks = list(
        Comment.objects.filter(
            origin_type=ContentType.objects.get_for_model(sender), origin_pk=str(instance.pk)
        ).values_list("pk", flat=True)
    )
    delete_keeping_labels(pks)


def status_changed(
    sender: type[Comment], instance: Comment, update_fields: frozenset[str] | None, **kwargs: Any
) -> None:
    """Write a comment's new status back to the site's row (connected to Comment's post_save)."""
    if instance.origin_type_id is None or (update_fields and "status" not in update_fields):
        return
    if found := adapter_for(instance):
        adapter, obj = found
        adapter.write_status(obj, Status(instance.status))


def decision_recorded(
    sender: type[Comment], comment: Comment, decision: Decision, **kw: Any
) -> None:
    """Tell the adapter of a moderator's decision (connected to signals.decision_recorded)."""
    if found := adapter_for(comment):
        adapter, obj = found
        adapter.decision_recorded(obj, decision)
