from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from moderation.models import Action, Comment, Status
from moderation.submission import submit_comment

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

    response = client.get(CHANGELIST)

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
