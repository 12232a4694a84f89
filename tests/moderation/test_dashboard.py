from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from moderation import decisions
from moderation.models import Action, Decision, Source, Status
from tests.factories import CommentFactory

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def staff(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def viewer(db, django_user_model):
    return staff(django_user_model, "viewer", "view_comment")


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def activity(frozen_now, article):
    """Today: one comment held then approved, one flagged then rescued, one published."""
    held = CommentFactory(
        content_object=article, status=Status.PENDING, author_name="<b>Mallory Held</b>"
    )
    flagged = CommentFactory(
        content_object=article, status=Status.SPAM, author_name="<b>Mallory Flagged</b>"
    )
    for comment, action in ((held, Action.HELD), (flagged, Action.FLAGGED)):
        Decision.objects.create(
            comment=comment,
            source=Source.CLASSIFIER,
            action=action,
            status_after=comment.status,
        )
    Decision.objects.create(
        source=Source.CLASSIFIER, action=Action.PUBLISHED, status_after=Status.APPROVED
    )
    decisions.approve(held, None)
    decisions.mark_not_spam(flagged, None)
    CommentFactory(content_object=article, status=Status.PENDING, author_name="Waiting Wendy")


def figure(html, label):
    match = re.search(rf"<dt>{label}</dt><dd>(?:<a [^>]*>)?(\d+)", html)
    return int(match.group(1))


def test_dashboard_shows_the_figures_and_days_most_recent_first(client, viewer, activity):
    client.force_login(viewer)

    response = client.get(reverse("admin:moderation_dashboard"), {"days": 7})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Moderation dashboard</h1>" in html
    assert figure(html, "Waiting for review now") == 1
    assert figure(html, "Comments received") == 3
    assert figure(html, "Spam caught") == 1
    assert figure(html, "False positives rescued") == 1
    assert figure(html, "Missed spam") == 0
    days = re.findall(r'<time datetime="([\d-]+)">', html)
    assert days == [f"2025-03-{day:02}" for day in range(10, 3, -1)]
    assert f'src="{reverse("admin:moderation_dashboard_chart")}?days=7"' in html


def test_dashboard_shows_no_author_names(client, viewer, activity):
    client.force_login(viewer)

    html = client.get(reverse("admin:moderation_dashboard")).content.decode()

    assert "Mallory" not in html
    assert "Wendy" not in html


def test_dashboard_links_to_the_pending_queue_with_breadcrumbs(client, viewer, db):
    client.force_login(viewer)
    changelist = reverse("admin:moderation_comment_changelist")

    html = client.get(reverse("admin:moderation_dashboard")).content.decode()

    assert f'<a href="{changelist}?status__exact=pending">0</a>' in html
    assert f'<a href="{changelist}">Comments</a>' in html


def test_moderators_without_view_permission_see_the_dashboard(client, django_user_model):
    client.force_login(staff(django_user_model, "moderator", "moderate_comment"))

    response = client.get(reverse("admin:moderation_dashboard"))

    assert response.status_code == 200


def test_chart_is_a_png_of_900_by_360_pixels_never_cached(client, viewer, activity):
    client.force_login(viewer)

    response = client.get(reverse("admin:moderation_dashboard_chart"), {"days": 365})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"].split(", ")
    png = response.content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert (int.from_bytes(png[16:20]), int.from_bytes(png[20:24])) == (900, 360)


@pytest.mark.parametrize("name", ["moderation_dashboard", "moderation_dashboard_chart"])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, db, name):
    url = reverse(f"admin:{name}")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", ["moderation_dashboard", "moderation_dashboard_chart"])
def test_staff_who_may_not_see_comments_are_refused(client, django_user_model, name):
    client.force_login(staff(django_user_model, "editor", "view_article"))

    response = client.get(reverse(f"admin:{name}"))

    assert response.status_code == 403


@pytest.mark.parametrize("days", ["", "thirty", "6", "366", "-30", "7.5"])
@pytest.mark.parametrize("name", ["moderation_dashboard", "moderation_dashboard_chart"])
def test_bad_days_parameter_is_a_400_with_a_sentence(client, viewer, name, days):
    client.force_login(viewer)

    response = client.get(reverse(f"admin:{name}"), {"days": days})

    assert response.status_code == 400
    assert response.content.decode() == "days must be a whole number from 7 to 365."


def test_dashboard_is_in_the_moderators_language(german_catalog, viewer, activity):
    moderator = Client(headers={"Accept-Language": "de"})
    moderator.force_login(viewer)

    response = moderator.get(reverse("admin:moderation_dashboard"), {"days": 7})

    html = response.content.decode()
    assert "<h1>Moderationsübersicht</h1>" in html
    assert figure(html, "Abgefangener Spam") == 1
    assert "<strong>7 Tage</strong>" in html
    assert f'<a href="{reverse("admin:index")}">Start</a>' in html  # Django's own admin catalog


def test_bad_days_are_explained_in_the_moderators_language(german_catalog, viewer):
    moderator = Client(headers={"Accept-Language": "de"})
    moderator.force_login(viewer)

    response = moderator.get(reverse("admin:moderation_dashboard"), {"days": 3})

    assert response.content.decode() == "days muss eine ganze Zahl von 7 bis 365 sein."
