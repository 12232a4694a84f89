from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from moderation.admin.comments import ALL_QUERY
from moderation.models import Action, Comment, Status
from moderation.submission import submit_comment
from tests.factories import CommentFactory

CHANGELIST = reverse("admin:moderation_comment_changelist")


@pytest.fixture
def moderator(db, django_user_model):
    """Staff who may moderate comments but is not a superuser."""
    user = django_user_model.objects.create_user("moderator", password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_comment", content_type__app_label="moderation"),
        Permission.objects.get(codename="change_comment", content_type__app_label="moderation"),
        Permission.objects.get(codename="moderate_comment"),
    )
    return user


@pytest.fixture
def queue(active_model, article):
    texts = [
        "I think the council should publish the full budget before the vote, not after.",
        "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription",
        "Thanks for the clear explanation of the new rules. It helps a lot.",
    ]
    return [
        submit_comment(
            article, author_name=f"Reader {i}", author_email="r@example.org", content=text
        ).comment
        for i, text in enumerate(texts)
    ]


@pytest.mark.parametrize(
    ("action", "status", "recorded"),
    [
        ("approve_selected", Status.APPROVED, Action.APPROVED),
        ("mark_spam_selected", Status.SPAM, Action.MARKED_SPAM),
        ("mark_not_spam_selected", Status.APPROVED, Action.MARKED_NOT_SPAM),
        ("remove_selected", Status.REMOVED, Action.REMOVED),
    ],
)
def test_bulk_action_decides_selected_comments_and_records_moderator(
    client, moderator, queue, action, status, recorded
):
    client.force_login(moderator)
    selected = queue[:2]

    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in selected]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 comments." in response.content.decode()
    for comment in selected:
        comment.refresh_from_db()
        assert comment.status == status
        last = comment.history.last()
        assert (last.action, last.moderator) == (recorded, moderator)
    untouched = Comment.objects.get(pk=queue[2].pk)
    assert untouched.history.count() == 1


def test_staff_without_moderate_permission_gets_no_decision_actions(
    client, django_user_model, queue
):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_comment", content_type__app_label="moderation")
    )
    client.force_login(viewer)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert "approve_selected" not in response.content.decode()


def test_queue_lists_pending_first_then_oldest(client, moderator, article, no_model):
    older = submit_comment(article, author_name="A", author_email="a@example.org", content="one")
    newer = submit_comment(article, author_name="B", author_email="b@example.org", content="two")
    Comment.objects.filter(pk=older.comment.pk).update(status=Status.APPROVED)
    client.force_login(moderator)

    response = client.get(f"{CHANGELIST}?{ALL_QUERY}")

    shown = list(response.context["cl"].result_list)
    assert shown == [newer.comment, Comment.objects.get(pk=older.comment.pk)]


def test_queue_shows_score_band_and_escapes_comment_text(client, moderator, article, active_model):
    submit_comment(
        article,
        author_name="<b>Mallory</b>",
        author_email="m@example.org",
        content="<script>alert('x')</script> Buy cheap viagra http://pills.example.com",
    )
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert 'class="score score-spam"' in html


def test_comment_page_shows_history(client, moderator, queue):
    client.force_login(moderator)

    html = client.get(reverse("admin:moderation_comment_change", args=[queue[0].pk])).content
    html = html.decode()

    assert "Published by the classifier" in html
    assert "tiny-test-model" in html


def current_tabs(html):
    return re.findall(r'data-status="(\w*)" class="current" aria-current="page"', html)


def test_the_bare_queue_opens_on_pending_while_a_comment_waits(client, moderator, article):
    CommentFactory(content_object=article, status=Status.PENDING)
    CommentFactory(content_object=article, status=Status.APPROVED)
    client.force_login(moderator)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status__exact=pending"
    pending = client.get(response["Location"])
    assert current_tabs(pending.content.decode()) == ["pending"]
    assert pending.context["cl"].result_count == 1


def test_the_bare_queue_lists_every_comment_when_none_waits(client, moderator, article):
    CommentFactory.create_batch(2, content_object=article, status=Status.APPROVED)
    client.force_login(moderator)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert current_tabs(response.content.decode()) == [""]
    assert response.context["cl"].result_count == 2


def test_the_all_tab_lists_every_comment_while_some_wait(client, moderator, article):
    CommentFactory(content_object=article, status=Status.PENDING)
    CommentFactory(content_object=article, status=Status.SPAM)
    client.force_login(moderator)

    response = client.get(f"{CHANGELIST}?status__isnull=False")

    html = response.content.decode()
    assert response.status_code == 200
    assert current_tabs(html) == [""]
    assert '<a href="?status__isnull=False" data-status=""' in html
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize(
    "query", [{"q": "Olga"}, {"o": "-4"}, {"submitted_at__gte": "2000-01-01T00:00:00+00:00"}]
)
def test_a_search_sort_or_filter_without_a_status_is_not_redirected(
    client, moderator, article, query
):
    CommentFactory(content_object=article, status=Status.PENDING, author_name="Olga")
    CommentFactory(content_object=article, status=Status.APPROVED, author_name="Olga")
    client.force_login(moderator)

    response = client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert current_tabs(response.content.decode()) == [""]
    assert response.context["cl"].result_count == 2


def test_a_post_to_the_bare_queue_is_not_redirected(client, moderator, article):
    waiting = CommentFactory(content_object=article, status=Status.PENDING)
    client.force_login(moderator)

    response = client.post(
        CHANGELIST, {"action": "mark_spam_selected", "_selected_action": [waiting.pk]}
    )

    assert response.status_code == 302 and response["Location"] == CHANGELIST
    waiting.refresh_from_db()
    assert waiting.status == Status.SPAM


def test_the_filter_bar_leaves_the_status_to_the_tabs_and_names_the_filters_in_use(
    client, moderator, no_model
):
    from moderation.api.keys import create_key

    site, _ = create_key("Riverside Gazette")
    CommentFactory(content_object=site)
    client.force_login(moderator)

    html = client.get(CHANGELIST, {"client_site": site.pk}).content.decode()

    summary = re.search(r'<details class="queue-filters">\s*<summary>(.*?)</summary>', html)
    assert summary is not None
    assert (
        summary.group(1)
        == 'Filters: <span class="active-filter">client site: Riverside Gazette</span>'
    )
    assert "By client site" in html
    assert "By status" not in html  # the tabs are the status filter
