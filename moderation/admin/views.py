"""The queue's one-click views: decide one comment, add a rule from a comment, recheck the queue.

Deciding and adding a rule answer a plain form post with a redirect back to the page it came
from, and a fetch() from the queue's script (X-Requested-With) with JSON, so the page need not
reload. CommentAdmin.get_urls() wires them inside admin_site.admin_view().
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from moderation import decisions, recheck
from moderation.admin.comment_list import count_rows
from moderation.classifier.artifacts import ModelLoadError
from moderation.models import Action, Comment, Job, Rule, RuleKind, Status
from moderation.permissions import can_moderate
from moderation.rules import normalize_value


def require_moderator(request: HttpRequest) -> None:
    """Raise PermissionDenied unless the user may moderate."""
    if not can_moderate(request.user):
        raise PermissionDenied(gettext("You need the “Can moderate comments” permission."))


def status_counts() -> dict[str, int]:
    """Return the number of comments in each status (every status present, zero included),
    counted as the queue's lists are: past a limit, PostgreSQL's estimate (count_rows)."""
    return {status: count_rows(Comment.objects.filter(status=status)) for status in Status.values}


@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_moderator(request)
    action = decisions.ACTION_FOR_NAME.get(request.POST.get("decision", ""))
    if action is None:
        message = gettext("Unknown decision %(name)r.") % {"name": request.POST.get("decision")}
        return _answer(request, message, 400)
    comment = get_object_or_404(Comment, pk=pk)
    decisions.record_decision(comment, action, request.user)  # type: ignore[arg-type]
    return _answer(
        request,
        gettext("%(action)s: comment by %(name)s.")
        % {"action": Action(action).label, "name": comment.author_name},
        data={"id": comment.pk, "status": comment.status, "label": comment.get_status_display()},
    )


@require_POST
def add_rule_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the rule a moderator picked on a comment's page, and decide that comment by it."""
    require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    kind, _, value = request.POST.get("rule", "").partition(":")
    if kind not in RuleKind.values:
        return _answer(request, gettext("Unknown rule kind %(kind)r.") % {"kind": kind}, 400)
    try:
        value = normalize_value(kind, value)
    except ValidationError as exc:
        return _answer(request, " ".join(exc.messages), 400)
    rule, created = Rule.objects.get_or_create(
        kind=kind,
        value=value,
        defaults={"created_by": request.user, "note": f"From #{pk}"},  # type: ignore[misc]
    )
    action = Action.MARKED_SPAM if rule.is_block else Action.APPROVED
    decisions.record_decision(comment, action, request.user, note=f"Rule: {rule}")  # type: ignore[arg-type]
    message = (
        gettext("Added the rule “%(rule)s”; %(action)s #%(pk)s.")
        if created
        else gettext("Already had the rule “%(rule)s”; %(action)s #%(pk)s.")
    )
    label = str(Action(action).label).lower()
    return _answer(request, message % {"rule": rule, "action": label, "pk": pk})


def recheck_view(request: HttpRequest) -> HttpResponse:
    """Recheck the pending queue with the model: here, or as a background job to follow."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_moderator(request)
    try:
        job = recheck.recheck_pending(request.user)  # type: ignore[arg-type]
    except ModelLoadError as exc:
        messages.error(request, gettext("Cannot recheck: %(error)s") % {"error": exc})
        return HttpResponseRedirect(reverse("admin:moderation_comment_changelist"))
    if job.state == Job.State.RUNNING:
        messages.info(request, gettext("The recheck runs in the background; this page follows it."))
        return HttpResponseRedirect(reverse("admin:moderation_job_change", args=[job.pk]))
    level = messages.SUCCESS if job.state == Job.State.DONE else messages.ERROR
    messages.add_message(request, level, job.result)
    return HttpResponseRedirect(reverse("admin:moderation_comment_changelist"))


def _answer(
    request: HttpRequest, message: str, status: int = 200, data: dict[str, Any] | None = None
) -> HttpResponse:
    if request.headers.get("X-Requested-With") == "fetch":
        body = {"message": message, **(data or {})}
        if status == 200:
            body["counts"] = status_counts()
        return JsonResponse(body, status=status)
    if status != 200:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    messages.success(request, message)
    return HttpResponseRedirect(_back(request))


def _back(request: HttpRequest) -> str:
    referrer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referrer if safe else reverse("admin:moderation_comment_changelist")
