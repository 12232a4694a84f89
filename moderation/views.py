"""The comment form's POST endpoint: validate, submit_comment(), tell the reader, redirect back;
and the link that finds one comment on its object's page."""

from __future__ import annotations

import logging
import math

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from moderation import threads
from moderation.client_address import client_ip
from moderation.forms import ALREADY_POSTED, CLOSED, DUPLICATE, CommentForm
from moderation.models import Comment, Status
from moderation.rate_limits import count_form_post
from moderation.submission import submit_comment

logger = logging.getLogger(__name__)
DATABASE_DOWN = gettext_lazy(
    "Your comment could not be saved just now: the site's database did not answer. Nothing was "
    "posted; please post it again in a minute."
)
# A post refused for what it is rather than how it was filled in: closed to comments (as
# django-contrib-comments' moderator refuses one), or said before.
_STATUS_FOR_ERROR = {CLOSED: 403, DUPLICATE: 409}


@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    """Store a comment posted through CommentForm; on errors show the form again with them."""
    refused_for = count_form_post(request)
    if refused_for is not None:
        wait = math.ceil(refused_for)
        response = render(request, "moderation/too_many.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    ip_address = client_ip(request)
    form = CommentForm(None, data=request.POST, ip_address=ip_address)
    try:
        if not form.is_valid() or form.target is None:
            return _show_form_again(request, form, status=_status_for(form))

        target = form.target
        absolute_url = getattr(target, "get_absolute_url", None)
        submission = submit_comment(
            target,
            **form.comment_fields(),
            user=request.user if request.user.is_authenticated else None,
            ip_address=ip_address,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            referrer=request.META.get("HTTP_REFERER", "")[:2000],
            permalink=request.build_absolute_uri(absolute_url()) if absolute_url else "",
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
    except (InterfaceError, OperationalError):
        # The database did not answer, so nothing was stored (submit_comment writes the comment
        # and its verdict in one transaction): say so, with the reader's text, not a bare 500.
        logger.exception("Could not store a comment: the database did not answer.")
        form.add_error(None, DATABASE_DOWN)
        response = _show_form_again(request, form, status=503)
        response["Retry-After"] = "60"
        return response
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = absolute_url() if absolute_url else "/"
    # Held and spam comments get the same answer, so a spammer learns nothing from it.
    comment = submission.comment
    if comment.status == Status.APPROVED and not submission.is_discarded:
        messages.success(request, gettext("Thanks, your comment is published."))
        if threads.is_shown(comment):
            return HttpResponseRedirect(threads.anchored_url(next_url, comment))
    else:
        messages.info(request, gettext("Thanks, your comment is awaiting moderation."))
    return HttpResponseRedirect(f"{next_url}#comments")


def comment_link(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Redirect to a shown comment on its object's page; 404 for any other comment."""
    # A site's own comment model (adapters.py) has rows its own templates anchor.
    comment = Comment.objects.filter(pk=comment_id, origin_type__isnull=True).first()
    url = threads.comment_url(comment) if comment and threads.is_shown(comment) else None
    if url is None:
        raise Http404(gettext("No such comment is shown."))
    return HttpResponseRedirect(url)


def _status_for(form: CommentForm) -> int:
    for code, status in _STATUS_FOR_ERROR.items():
        if form.has_error(NON_FIELD_ERRORS, code):
            return status
    return 400


def _show_form_again(request: HttpRequest, form: CommentForm, *, status: int) -> HttpResponse:
    form.refresh_token()
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        # A second post of one form (a double click): the first is stored, so no form to resend.
        "is_already_posted": form.has_error(NON_FIELD_ERRORS, ALREADY_POSTED),
        # Closed to comments: the reader's text is shown to keep, with no form to post it in.
        "is_closed": form.has_error(NON_FIELD_ERRORS, CLOSED),
        "is_duplicate": form.has_error(NON_FIELD_ERRORS, DUPLICATE),
        "replying_to": form.parent_comment,
    }
    return render(request, "moderation/post_error.html", context, status=status)
