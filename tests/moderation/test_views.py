from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from moderation.forms import sign_target
from moderation.models import Comment, Status

SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"
HAM_TEXT = "I think the council should publish the full budget before the vote, not after."
POST_URL = "/comments/post/"


def form_data(client, article, **fields):
    """Load the article page like a browser and return the comment form's fields filled in."""
    html = client.get(article.get_absolute_url()).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    data = {
        "name": "Olga",
        "email": "olga@example.org",
        "website": "",
        "comment": HAM_TEXT,
        "token": token,
        "next": article.get_absolute_url(),
        "website_confirm": "",
    }
    csrf = client.cookies.get("csrftoken")
    if csrf is not None:
        data["csrfmiddlewaretoken"] = csrf.value
    return {**data, **fields}


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Test")


def test_ham_posted_through_the_article_page_is_published_and_shown(browser, article, active_model):
    response = browser.post(POST_URL, form_data(browser, article), follow=True)

    comment = Comment.objects.get()
    assert comment.status == Status.APPROVED
    assert comment.ip_address == "127.0.0.1"
    assert comment.user_agent == "Mozilla/5.0 (X11; Linux) Test"
    assert comment.permalink == "http://testserver" + article.get_absolute_url()
    assert response.redirect_chain[-1][0] == (
        f"{article.get_absolute_url()}?comments_page=1#comment-{comment.pk}"
    )
    html = response.content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert "Thanks, your comment is published." in html
    assert HAM_TEXT in html


def test_link_spam_posted_through_the_article_page_is_stored_as_spam_and_not_shown(
    browser, article, active_model
):
    data = form_data(browser, article, comment=SPAM_TEXT, website="http://pills.example.com")

    response = browser.post(POST_URL, data, follow=True)

    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    assert comment.author_url == "http://pills.example.com"
    html = response.content.decode()
    assert "Thanks, your comment is awaiting moderation." in html
    assert "cheap-pills" not in html


def test_comment_is_kept_pending_and_reader_gets_normal_answer_without_a_model(
    browser, article, no_model
):
    response = browser.post(POST_URL, form_data(browser, article), follow=True)

    assert response.status_code == 200
    assert Comment.objects.get().status == Status.PENDING
    assert "Thanks, your comment is awaiting moderation." in response.content.decode()


def test_post_without_csrf_token_is_refused(article, active_model):
    browser = Client(enforce_csrf_checks=True)
    data = form_data(browser, article)
    data.pop("csrfmiddlewaretoken")

    response = browser.post(POST_URL, data)

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_filled_honeypot_is_refused_with_a_message(browser, article, active_model):
    data = form_data(browser, article, website_confirm="http://bot.example.com")

    response = browser.post(POST_URL, data)

    assert response.status_code == 400
    assert "please leave the last field empty" in response.content.decode()
    assert not Comment.objects.exists()


def test_too_fast_submit_is_refused_with_a_message(browser, article, active_model, settings):
    settings.MODERATION = {**settings.MODERATION, "MIN_SUBMIT_SECONDS": 3}
    with time_machine.travel(time.time(), tick=False):
        data = form_data(browser, article)

        response = browser.post(POST_URL, data)

    assert response.status_code == 400
    assert "That was quick!" in response.content.decode()
    assert not Comment.objects.exists()


def test_human_paced_submit_passes_the_minimum_time(browser, article, active_model, settings):
    settings.MODERATION = {**settings.MODERATION, "MIN_SUBMIT_SECONDS": 3}
    with time_machine.travel(time.time(), tick=False) as traveller:
        data = form_data(browser, article)
        traveller.shift(10)

        response = browser.post(POST_URL, data)

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_expired_form_is_refused_and_offered_again_with_a_fresh_token(
    browser, article, active_model
):
    with time_machine.travel(time.time() - 3 * 60 * 60, tick=False):
        old = sign_target(article)
    data = form_data(browser, article, token=old)

    response = browser.post(POST_URL, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "This form has expired." in html
    assert old not in html
    assert "Back to the article" in html
    assert not Comment.objects.exists()


def test_a_form_posted_twice_is_stored_once_and_the_second_post_is_told_why(
    browser, article, active_model
):
    data = form_data(browser, article)

    first = browser.post(POST_URL, data)
    second = browser.post(POST_URL, data)

    assert first.status_code == 302
    html = second.content.decode()
    assert second.status_code == 400
    assert "Your comment was already posted" in html
    assert (
        "This comment was already posted from this form (it was sent twice), so it was not "
        "posted again." in html
    )
    assert "Back to the article" in html
    assert Comment.objects.count() == 1


def test_a_token_is_not_used_up_by_a_post_refused_for_something_else(
    browser, article, active_model
):
    data = form_data(browser, article)
    browser.post(POST_URL, {**data, "name": ""})

    response = browser.post(POST_URL, data)

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_each_rendered_form_has_its_own_token(browser, article, active_model):
    with time_machine.travel(time.time(), tick=False):
        tokens = {form_data(browser, article)["token"] for _ in range(2)}

    assert len(tokens) == 2


def test_tampered_token_is_refused(browser, article, active_model):
    data = form_data(browser, article)
    data["token"] = data["token"][:-2] + "xx"

    response = browser.post(POST_URL, data)

    assert response.status_code == 400
    assert "This form was tampered with." in response.content.decode()


def test_overlong_comment_is_refused_with_the_limit_in_the_message(
    browser, article, active_model, settings
):
    settings.MODERATION = {**settings.MODERATION, "MAX_COMMENT_LENGTH": 100}
    data = form_data(browser, article, comment="x" * 101)

    response = browser.post(POST_URL, data)

    assert response.status_code == 400
    assert "Ensure this value has at most 100 characters (it has 101)." in response.content.decode()
    assert not Comment.objects.exists()


def test_missing_fields_are_named_on_the_error_page_and_input_is_escaped(
    browser, article, active_model
):
    data = form_data(browser, article, name="", comment="<script>alert(1)</script>", email="x")

    response = browser.post(POST_URL, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "Enter a valid email address." in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    assert 'name="email" value="x"' in html  # the reader's own input back, one value per field


def test_next_pointing_off_site_falls_back_to_the_article(browser, article, active_model):
    data = form_data(browser, article, next="https://evil.example.com/")

    response = browser.post(POST_URL, data)

    comment = Comment.objects.get()
    assert response["Location"] == (
        f"{article.get_absolute_url()}?comments_page=1#comment-{comment.pk}"
    )


def test_get_is_not_allowed_on_the_post_endpoint(client):
    assert client.get(POST_URL).status_code == 405


def test_published_comment_text_and_author_are_escaped_on_the_article_page(
    browser, article, active_model
):
    data = form_data(
        browser, article, name="<img src=x onerror=alert(1)>", comment="Nice <b>point</b> there"
    )
    browser.post(POST_URL, data)
    Comment.objects.update(status=Status.APPROVED)

    html = browser.get(article.get_absolute_url()).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Nice &lt;b&gt;point&lt;/b&gt; there" in html


def test_too_many_posts_from_one_address_are_refused_with_retry_after(
    browser, article, active_model, settings
):
    settings.MODERATION = {**settings.MODERATION, "FORM_RATE_PER_IP": "2/min"}
    # Three comments, not one said three times (a repeat is refused: test_duplicates.py).
    answers = [
        browser.post(POST_URL, form_data(browser, article, comment=f"{HAM_TEXT} ({n})"))
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Please wait a moment" in answers[2].content.decode()
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert Comment.objects.count() == 2


def test_comment_form_and_its_answers_are_in_the_readers_language(
    german_catalog, article, active_model, settings
):
    settings.MODERATION = {**settings.MODERATION, "PRODUCT_NAME": "<b>Hamlet</b>"}
    reader = Client(headers={"Accept-Language": "de"})

    page = reader.get(article.get_absolute_url()).content.decode()
    answer = reader.post(POST_URL, form_data(reader, article), follow=True).content.decode()

    assert "<h2>Einen Kommentar schreiben</h2>" in page
    assert 'for="id_comment">Kommentar <span aria-hidden="true">*</span>' in page
    assert "<small>Wird nicht veröffentlicht.</small>" in page
    assert '<button type="submit">Kommentar abschicken</button>' in page
    assert "Diese Website nutzt &lt;b&gt;Hamlet&lt;/b&gt; gegen Spam." in page
    assert "Danke, Ihr Kommentar ist veröffentlicht." in answer
    assert "<h2>1 Kommentar</h2>" in answer
    assert Comment.objects.get().language == "de"


def test_error_page_is_in_the_readers_language(german_catalog, article, active_model):
    reader = Client(headers={"Accept-Language": "de"})
    data = form_data(reader, article)
    data["token"] = data["token"][:-2] + "xx"

    html = reader.post(POST_URL, data).content.decode()

    assert '<html lang="de">' in html
    assert "<h1>Bitte korrigieren Sie Ihren Kommentar</h1>" in html
    assert "Dieses Formular wurde verändert." in html


@pytest.mark.parametrize(("wait", "words"), [(1, "1 Sekunde"), (30, "30 Sekunden")])
def test_too_many_page_counts_the_wait_in_the_readers_language(german_catalog, wait, words):
    with translation.override("de"):
        html = render_to_string("moderation/too_many.html", {"wait": wait})

    assert f"bitte warten Sie {words} und schicken Sie ihn dann noch einmal ab." in html
