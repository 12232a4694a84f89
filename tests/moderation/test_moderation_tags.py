"""The template tags, in real templates: with and without django-contrib-comments' `for`."""

from __future__ import annotations

import re

import pytest
from django.template import Context, RequestContext, Template, TemplateSyntaxError

from moderation.models import Status
from tests.factories import CommentFactory


def render(text, request=None, **context):
    template = Template("{% load moderation_tags %}" + text)
    if request is None:
        return template.render(Context(context))
    return template.render(RequestContext(request, context))


def without_tokens(html):
    """The form without its token and CSRF token, which are new on every rendering."""
    return re.sub(r'name="(token|csrfmiddlewaretoken)" value="[^"]*"', r'name="\1"', html)


@pytest.fixture
def comments(article):
    CommentFactory(content_object=article, content="Shown, and the first of two.")
    CommentFactory(content_object=article, content="Shown, the second.")
    CommentFactory(content_object=article, content="Waiting for review.", status=Status.PENDING)


def test_the_list_renders_the_same_with_and_without_for(rf, article, comments):
    request = rf.get(article.get_absolute_url())

    with_for = render("{% render_comment_list for article %}", request, article=article)
    without = render("{% render_comment_list article %}", request, article=article)

    assert with_for == without
    assert "Shown, and the first of two." in with_for
    assert "Shown, the second." in with_for
    assert "Waiting for review." not in with_for
    assert "2 comments" in with_for


def test_the_form_renders_the_same_with_and_without_for(rf, article):
    request = rf.get(article.get_absolute_url())

    with_for = render("{% render_comment_form for article %}", request, article=article)
    without = render("{% render_comment_form article %}", request, article=article)

    assert without_tokens(with_for) == without_tokens(without)
    assert 'action="/comments/post/"' in with_for
    assert f'name="next" value="{article.get_absolute_url()}"' in with_for
    assert 'name="token"' in with_for
    assert "Leave a Comment" in with_for


@pytest.mark.parametrize(
    "text",
    [
        "{% get_comment_count for article as n %}{{ n }}",
        "{% get_comment_count article as n %}{{ n }}",
        "{% get_comment_count for article %}",
        "{% get_comment_count article %}",
    ],
)
def test_get_comment_count_takes_both_forms_and_as(article, comments, text):
    assert render(text, article=article) == "2"


def test_the_object_may_be_any_expression(article, comments):
    text = "{% for a in articles %}{% get_comment_count for a as n %}{{ n }}{% endfor %}"

    assert render(text, articles=[article, article]) == "22"


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "{% render_comment_list %}",
            "{% render_comment_list %}: render_comment_list takes one object, as in "
            "{% render_comment_list for article %} or {% render_comment_list article %}.",
        ),
        (
            "{% render_comment_form for %}",
            "{% render_comment_form for %}: render_comment_form takes one object, as in "
            "{% render_comment_form for article %} or {% render_comment_form article %}.",
        ),
        (
            "{% render_comment_list article other %}",
            "{% render_comment_list article other %}: render_comment_list takes one object, "
            "as in {% render_comment_list for article %} or {% render_comment_list article %}.",
        ),
        (
            "{% render_comment_list for articles.article 3 %}",
            "{% render_comment_list for articles.article 3 %}: render_comment_list takes one "
            "object, as in {% render_comment_list for article %} or "
            "{% render_comment_list article %}. The app.model and id form of "
            "django-contrib-comments is not supported.",
        ),
        (
            "{% render_comment_list article as n %}",
            "{% render_comment_list article as n %}: render_comment_list takes one object, as "
            "in {% render_comment_list for article %} or {% render_comment_list article %}.",
        ),
        (
            "{% get_comment_count for article as %}",
            "{% get_comment_count for article as %}: get_comment_count takes one object, as in "
            "{% get_comment_count for article as n %} or {% get_comment_count article as n %}.",
        ),
    ],
)
def test_other_syntax_is_a_template_syntax_error_showing_both_forms(text, message):
    with pytest.raises(TemplateSyntaxError) as error:
        render(text)

    assert str(error.value) == message


def test_the_privacy_notice_links_a_url_name_as_its_url(rf, article, settings):
    settings.MODERATION = {**settings.MODERATION, "PRIVACY_URL": "moderation:privacy"}

    html = render("{% render_comment_form for article %}", rf.get("/"), article=article)

    assert '<a href="/comments/privacy/">Learn how your comment data is processed.</a>' in html


def test_the_privacy_notice_has_no_link_without_a_privacy_url(rf, article, settings):
    settings.MODERATION = {**settings.MODERATION, "PRIVACY_URL": None}

    html = render("{% render_comment_form for article %}", rf.get("/"), article=article)

    assert "This site uses Hamlet to reduce spam." in html
    assert "Learn how your comment data is processed." not in html
