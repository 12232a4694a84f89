from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from moderation.models import Action, Comment, Status
from moderation.submission import submit_comment

pytestmark = pytest.mark.browser


@pytest.fixture
def moderator(db, django_user_model):
    user = django_user_model.objects.create_user(
        "moderator", password="a-long-pass-9", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_comment", "change_comment", "moderate_comment"]
        )
    )
    return user


def test_moderator_approves_a_held_comment_from_the_queue(
    live_server, page, article, moderator, active_model, settings, screenshot
):
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 0.0}  # hold everything
    held = submit_comment(
        article, author_name="Olga", author_email="olga@example.org", content="Is this true?"
    ).comment
    page.goto(live_server.url + "/admin/login/?next=/admin/moderation/comment/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "a-long-pass-9")
    page.click("input[type=submit]")
    screenshot("admin-queue")

    page.check(f"input[name=_selected_action][value='{held.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")

    assert "Approved: 1 comment." in page.inner_text(".messagelist")
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    assert held.history.last().action == Action.APPROVED
    assert held.history.last().moderator == moderator
    assert Comment.objects.filter(status=Status.PENDING).count() == 0
