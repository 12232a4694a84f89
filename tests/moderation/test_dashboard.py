from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from moderation import decisions
from moderation.models import Action, Decision, Source, Status
from tests.factories import CommentFactory

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


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


def chart_svg(html):
    """The page's inline chart, parsed: it must be well-formed SVG."""
    return ElementTree.fromstring(
        re.search(r"<svg class=\"dashboard-chart-plot\".*?</svg>", html, re.S)[0]
    )


def legend(html):
    items = re.search(r'<ul class="dashboard-legend".*?</ul>', html, re.S)[0]
    return [label.strip() for label in re.findall(r"</svg>([^<]+)</li>", items)]


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
    chart = chart_svg(html)
    assert chart.get("role") == "img"
    # Today's three arrivals: one bar each, in the legend's colours; one rescued on the line.
    assert [
        (rect.get("fill"), rect.find(f"{SVG}title").text) for rect in chart.iter(f"{SVG}rect")
    ] == [
        ("#009E73", "10 Mar 2025, Published: 1"),
        ("#E69F00", "10 Mar 2025, Held for review: 1"),
        ("#D55E00", "10 Mar 2025, Filed as spam: 1"),
    ]
    points = chart.find(f".//{SVG}polyline").get("points").split()
    heights = [float(point.split(",")[1]) for point in points]  # y grows downwards
    assert heights[:6] == [heights[0]] * 6
    assert heights[6] < heights[0]
    assert legend(html) == [
        "Published",
        "Held for review",
        "Filed as spam",
        "False positives rescued by moderators",
    ]


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


def test_a_year_of_dashboard_is_one_page_with_the_chart_inline(client, viewer, activity):
    client.force_login(viewer)

    response = client.get(reverse("admin:moderation_dashboard"), {"days": 365})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<img" not in html
    chart = chart_svg(html)
    assert len(chart.find(f".//{SVG}polyline").get("points").split()) == 365
    assert chart.findall(f".//{SVG}circle") == []  # no markers on a year's line
    assert [text.text for text in chart.iter(f"{SVG}text")][-2:] == ["Day", "Comments"]


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    url = reverse("admin:moderation_dashboard")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_not_see_comments_are_refused(client, django_user_model):
    client.force_login(staff(django_user_model, "editor", "view_article"))

    response = client.get(reverse("admin:moderation_dashboard"))

    assert response.status_code == 403


@pytest.mark.parametrize("days", ["", "thirty", "6", "366", "-30", "7.5"])
def test_bad_days_parameter_is_a_400_with_a_sentence(client, viewer, days):
    client.force_login(viewer)

    response = client.get(reverse("admin:moderation_dashboard"), {"days": days})

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
    assert legend(html) == [
        "Veröffentlicht",
        "Zur Prüfung zurückgehalten",
        "Als Spam abgelegt",
        "Von Moderatoren gerettete Fehlalarme",
    ]
    chart = chart_svg(html)
    assert [text.text for text in chart.iter(f"{SVG}text")][-2:] == ["Tag", "Kommentare"]
    # German decimals are commas; the chart's coordinates must stay SVG numbers.
    assert all(
        float(rect.get(name)) >= 0 for rect in chart.iter(f"{SVG}rect") for name in ("x", "y")
    )


def test_bad_days_are_explained_in_the_moderators_language(german_catalog, viewer):
    moderator = Client(headers={"Accept-Language": "de"})
    moderator.force_login(viewer)

    response = moderator.get(reverse("admin:moderation_dashboard"), {"days": 3})

    assert response.content.decode() == "days muss eine ganze Zahl von 7 bis 365 sein."
