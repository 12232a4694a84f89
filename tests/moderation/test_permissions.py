from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from moderation.permissions import can_moderate, can_view_dashboard


def user_with(django_user_model, *codenames):
    user = django_user_model.objects.create_user("someone", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=codenames, content_type__app_label="moderation")
    )
    return django_user_model.objects.get(pk=user.pk)  # a fresh instance: no cached permissions


@pytest.mark.parametrize(
    ("codenames", "moderates", "sees_dashboard"),
    [
        ((), False, False),
        (("view_comment",), False, True),
        (("moderate_comment",), True, True),
        (("view_comment", "change_comment"), False, True),
    ],
)
def test_permissions_follow_the_users_codenames(
    db, django_user_model, codenames, moderates, sees_dashboard
):
    user = user_with(django_user_model, *codenames)

    assert (can_moderate(user), can_view_dashboard(user)) == (moderates, sees_dashboard)


def test_anonymous_visitor_may_neither_moderate_nor_see_the_dashboard(db):
    visitor = AnonymousUser()

    assert (can_moderate(visitor), can_view_dashboard(visitor)) == (False, False)
