"""The review queue's own views and columns, through the real admin with a non-superuser."""

from __future__ import annotations

import re
from datetime import timedelta

import factory
import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moderation.admin import comment_list
from moderation.admin.comments import ALL_QUERY
from moderation.models import Action, Comment, Rule, RuleKind, Source, Status
from moderation.submission import submit_comment
from tests.examples import HAM
from tests.factories import ArticleFactory, CommentFactory

CHANGELIST = reverse("admin:moderation_comment_changelist")
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
SPAM_TEXT = "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription"


@pytest.fixture
def viewer(db, django_user_model):
    """Staff who may read the queue but not decide."""
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_comment", content_type__app_label="moderation")
    )
    return user


def decide_url(comment):
    return reverse("admin:moderation_decide", args=[comment.pk])


def test_tabs_count_comments_per_status(client, moderator, article):
    for status, n in ((Status.PENDING, 3), (Status.APPROVED, 2), (Status.SPAM, 1)):
        CommentFactory.create_batch(n, content_object=article, status=status)
    client.force_login(moderator)

    html = client.get(f"{CHANGELIST}?{ALL_QUERY}").content.decode()

    tabs = dict(re.findall(r'data-status="(\w*)"[^>]*>[^<]+<span class="count">(\d+)</span>', html))
    assert tabs == {"pending": "3", "approved": "2", "spam": "1", "removed": "0", "": "6"}


def test_one_click_decision_answers_the_script_with_json(client, moderator, article):
    comment = CommentFactory(content_object=article, status=Status.PENDING, spam_score=0.4)
    client.force_login(moderator)

    response = client.post(decide_url(comment), {"decision": "spam"}, **FETCH)

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["label"]) == ("spam", "Spam")
    assert body["counts"]["spam"] == 1 and body["counts"]["pending"] == 0
    decision = comment.history.get()
    assert (decision.action, decision.moderator, decision.spam_score) == (
        Action.MARKED_SPAM,
        moderator,
        0.4,
    )


def test_one_click_decision_without_script_redirects_back_with_a_message(
    client, moderator, article
):
    comment = CommentFactory(content_object=article, status=Status.PENDING)
    client.force_login(moderator)
    back = f"http://testserver{CHANGELIST}?status__exact=pending"

    response = client.post(
        decide_url(comment), {"decision": "approve"}, HTTP_REFERER=back, follow=True
    )

    assert response.redirect_chain == [(back, 302)]
    assert "Approved: comment by Reader." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_a_foreign_referrer_is_not_followed(client, moderator, article):
    comment = CommentFactory(content_object=article, status=Status.PENDING)
    client.force_login(moderator)

    response = client.post(
        decide_url(comment), {"decision": "approve"}, HTTP_REFERER="https://evil.example/"
    )

    assert response["Location"] == CHANGELIST


def test_decisions_need_the_moderate_permission(client, viewer, article):
    comment = CommentFactory(content_object=article, status=Status.PENDING)
    client.force_login(viewer)

    assert client.post(decide_url(comment), {"decision": "spam"}, **FETCH).status_code == 403
    html = client.get(CHANGELIST, follow=True).content.decode()
    assert 'class="field-why"' in html  # the queue is listed, without the buttons
    assert 'class="decide' not in html
    assert "Recheck pending comments" not in html
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_bad_decisions_get_a_clear_error(client, moderator, article):
    comment = CommentFactory(content_object=article, status=Status.PENDING)
    client.force_login(moderator)

    unknown = client.post(decide_url(comment), {"decision": "delete"}, **FETCH)
    get = client.get(decide_url(comment))

    assert unknown.status_code == 400
    assert unknown.json()["message"] == "Unknown decision 'delete'."
    assert get.status_code == 405
    assert not comment.history.exists()


def test_queue_shows_why_a_comment_scored_as_it_did(client, moderator, article, active_model):
    submit_comment(article, author_name="Bot", content=SPAM_TEXT)
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    spam_marks = re.findall(r'<mark class="why why-spam"[^>]*>([^<]+)</mark>', html)
    assert "http://cheap-pills.example.com" in spam_marks
    assert '<span class="reason reason-spam">links in the text' in html


def test_queue_shows_a_published_comment_plain_with_its_why_folded_away(
    client, moderator, article, active_model
):
    published = submit_comment(article, author_name="Olga", content=HAM[0]).comment
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    assert published.status == Status.APPROVED
    folded = re.findall(r'<details class="why-toggle">(.*?)</details>', html, re.S)
    assert len(folded) == 1
    assert folded[0].startswith("<summary>show why</summary>") and "<mark" in folded[0]
    assert "<mark" not in html.replace(folded[0], "")


def test_queue_shows_the_rule_instead_of_the_model(client, moderator, article, no_model):
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value="203.0.113.9")
    submit_comment(article, author_name="Bot", content="Hello", ip_address="203.0.113.9")
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    assert "By rule “Block IP address: 203.0.113.9”" in html


def test_author_record_counts_the_authors_other_comments(client, moderator, article):
    email = "olga@example.org"
    CommentFactory.create_batch(2, content_object=article, author_email=email)
    CommentFactory(content_object=article, author_email=email, status=Status.SPAM)
    CommentFactory(content_object=article, author_email="other@example.org")
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    assert html.count("2 approved · 1 spam</a> · since") == 3
    assert html.count("1 approved · 0 spam</a> · since") == 1
    assert 'href="?q=olga%40example.org"' in html


def test_the_comment_page_shows_what_kind_of_text_an_api_client_said_it_is(
    client, moderator, article
):
    comment = CommentFactory(content_object=article, comment_type="pingback")
    client.force_login(moderator)

    html = client.get(reverse("admin:moderation_comment_change", args=[comment.pk])).content

    assert b"Comment type" in html
    assert b"pingback" in html


def test_a_rule_added_from_a_comment_decides_it_and_later_comments(
    client, moderator, article, no_model
):
    comment = CommentFactory(
        content_object=article, status=Status.PENDING, content="See https://www.Pills.example/x"
    )
    client.force_login(moderator)
    page = client.get(reverse("admin:moderation_comment_change", args=[comment.pk]))
    assert 'value="block_link_domain:pills.example"' in page.content.decode()

    client.post(
        reverse("admin:moderation_add_rule", args=[comment.pk]),
        {"rule": "block_link_domain:pills.example"},
    )

    rule = Rule.objects.get()
    assert (rule.kind, rule.value, rule.created_by) == (
        RuleKind.BLOCK_LINK_DOMAIN,
        "pills.example",
        moderator,
    )
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert comment.history.get().note == "Rule: Block link domain: pills.example"
    later = submit_comment(article, author_name="x", content="Cheap at http://shop.pills.example")
    assert later.comment.status == Status.SPAM


def test_a_malformed_rule_is_refused_with_the_reason(client, moderator, article):
    comment = CommentFactory(content_object=article, status=Status.PENDING)
    client.force_login(moderator)

    response = client.post(
        reverse("admin:moderation_add_rule", args=[comment.pk]),
        {"rule": "block_ip:not-an-ip"},
        **FETCH,
    )

    assert response.status_code == 400
    assert response.json()["message"] == "'not-an-ip' is not an IP address."
    assert not Rule.objects.exists()


def test_bulk_block_ips_adds_rules_and_marks_the_comments_spam(client, moderator, article):
    comments = [
        CommentFactory(content_object=article, status=Status.PENDING, ip_address=ip)
        for ip in ("203.0.113.9", "203.0.113.9", "198.51.100.7")
    ]
    client.force_login(moderator)

    client.post(
        CHANGELIST,
        {"action": "block_ips_selected", "_selected_action": [c.pk for c in comments]},
    )

    assert sorted(Rule.objects.values_list("value", flat=True)) == ["198.51.100.7", "203.0.113.9"]
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.SPAM}


def test_moderators_manage_rules_and_values_are_normalised(client, moderator):
    client.force_login(moderator)
    add = reverse("admin:moderation_rule_add")

    bad = client.post(add, {"kind": RuleKind.BLOCK_EMAIL_DOMAIN, "value": "not a domain"})
    good = client.post(add, {"kind": RuleKind.BLOCK_EMAIL_DOMAIN, "value": "@Spam.Example"})

    assert bad.status_code == 200 and "is not a domain name" in bad.content.decode()
    assert good.status_code == 302
    assert Rule.objects.get().value == "spam.example"


def test_recheck_files_pending_comments_with_the_active_model(
    client, moderator, article, active_model
):
    held = CommentFactory(content_object=article, status=Status.PENDING, content=SPAM_TEXT)
    client.force_login(moderator)

    response = client.post(reverse("admin:moderation_recheck"), follow=True)

    held.refresh_from_db()
    assert held.status == Status.SPAM
    assert held.history.get().source == Source.CLASSIFIER
    assert "Rechecked 1 comment" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_large_recheck_runs_in_the_background_and_its_page_shows_progress(
    client, moderator, article, active_model, settings
):
    from moderation.jobs import wait_for_job
    from moderation.models import Job

    settings.MODERATION = {**settings.MODERATION, "RECHECK_INLINE_LIMIT": 1}
    CommentFactory.create_batch(3, content_object=article, status=Status.PENDING, content=SPAM_TEXT)
    client.force_login(moderator)

    response = client.post(reverse("admin:moderation_recheck"))

    job = wait_for_job(Job.objects.get(), timeout=60)
    assert response["Location"] == reverse("admin:moderation_job_change", args=[job.pk])
    assert (job.state, job.done, job.total) == (Job.State.DONE, 3, 3)
    page = client.get(response["Location"]).content.decode()
    assert '<progress value="3" max="3">' in page
    assert "Rechecked 3 comments: 0 published, 0 still pending, 3 spam." in page
    assert not Comment.objects.filter(status=Status.PENDING).exists()


def test_the_comment_page_offers_the_decisions_to_moderators_only(
    client, moderator, viewer, article
):
    comment = CommentFactory(content_object=article, status=Status.PENDING)
    url = reverse("admin:moderation_comment_change", args=[comment.pk])

    client.force_login(viewer)
    assert 'class="decide' not in client.get(url).content.decode()
    client.force_login(moderator)
    response = client.post(
        decide_url(comment), {"decision": "remove"}, HTTP_REFERER=f"http://testserver{url}"
    )

    assert 'class="decide decide-remove"' in client.get(url).content.decode()
    assert response["Location"] == f"http://testserver{url}"
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED


def test_api_comments_show_their_site_and_only_http_permalinks(client, moderator, no_model):
    from moderation.api.keys import create_key

    site, _ = create_key("Riverside Gazette")
    CommentFactory(content_object=site, permalink="https://gazette.example/story-1")
    CommentFactory(content_object=site, permalink="javascript:alert(1)")
    client.force_login(moderator)

    html = client.get(CHANGELIST).content.decode()

    assert html.count('<div class="comment-target">on Riverside Gazette') == 2
    assert '<a href="https://gazette.example/story-1" rel="noopener noreferrer">page</a>' in html
    assert 'href="javascript:' not in html
    CommentFactory(content_object=create_key("Other")[0])
    filtered = client.get(CHANGELIST, {"client_site": site.pk}).content.decode()
    assert filtered.count('<div class="comment-target">on ') == 2


def test_queue_says_when_the_explaining_model_is_not_the_one_that_scored(
    client, moderator, article, active_model
):
    scored_now = submit_comment(article, author_name="Olga", content="A fine piece.").comment
    scored_before = submit_comment(article, author_name="Bot", content=SPAM_TEXT).comment
    Comment.objects.filter(pk=scored_before.pk).update(model_version="default_model-0123456789")
    client.force_login(moderator)

    note = "Explained by the active model tiny-test-model; scored by default_model-0123456789."
    assert note in client.get(CHANGELIST + "?status__exact=spam").content.decode()
    assert scored_now.status == Status.APPROVED
    assert note not in client.get(CHANGELIST + "?status__exact=approved").content.decode()


def test_queue_is_in_the_moderators_language(german_catalog, moderator, article, active_model):
    submit_comment(article, author_name="Bot", content=SPAM_TEXT)
    submit_comment(article, author_name="Olga", content="A fine piece.")
    german = Client(headers={"Accept-Language": "de"})
    german.force_login(moderator)

    spam_tab = german.get(CHANGELIST + "?status__exact=spam").content.decode()
    approved_tab = german.get(CHANGELIST + "?status__exact=approved").content.decode()

    assert "Kommentar und warum er so eingeordnet wurde" in spam_tab  # a column title
    assert 'title="Freigeben (Taste a)">Freigeben</button>' in spam_tab  # a decision button
    assert "<summary>Filter" in spam_tab and "Wartende Kommentare neu prüfen" in spam_tab
    assert "<summary>Begründung zeigen</summary>" in approved_tab  # a published comment's why


def fill_queue(n, articles):
    """`n` comments under `articles`, by several authors, in every status."""
    return CommentFactory.create_batch(
        n,
        content_object=factory.Iterator(articles),
        author_email=factory.Sequence(lambda i: f"reader{i % 7}@example.org"),
        status=factory.Iterator(Status.values),
    )


@pytest.mark.parametrize(
    "params",
    [{}, {"status__exact": "approved"}, {"q": "full budget"}],
    ids=["default", "status tab", "search"],
)
def test_a_page_takes_as_many_queries_for_220_comments_as_for_5(client, moderator, params):
    articles = ArticleFactory.create_batch(3)
    fill_queue(5, articles)
    client.force_login(moderator)
    client.get(CHANGELIST, params, follow=True)  # the first request loads the active model
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST, params, follow=True)
    fill_queue(215, articles)  # more than a page in each status

    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST, params, follow=True)

    assert len(response.context["cl"].result_list) == 50
    assert len(many) == len(few)


def test_a_status_tab_lists_oldest_first_and_all_comments_pending_first(client, moderator):
    now = timezone.now()
    old, new = (now - timedelta(days=2), now - timedelta(days=1))
    approved_old = CommentFactory(status=Status.APPROVED, submitted_at=old)
    pending_new = CommentFactory(status=Status.PENDING, submitted_at=new)
    approved_new = CommentFactory(status=Status.APPROVED, submitted_at=new)
    client.force_login(moderator)

    tab = client.get(CHANGELIST, {"status__exact": "approved"}).context["cl"].result_list
    every = client.get(f"{CHANGELIST}?{ALL_QUERY}").context["cl"].result_list

    assert list(tab) == [approved_old, approved_new]
    assert list(every) == [pending_new, approved_old, approved_new]


def test_an_email_search_finds_that_authors_comments_in_any_case(client, moderator, article):
    hers = CommentFactory.create_batch(2, content_object=article, author_email="Olga@Example.org")
    CommentFactory(content_object=article, author_email="volga@example.org")
    CommentFactory(content_object=article, content="Write to olga@example.org for more.")
    client.force_login(moderator)

    found = client.get(CHANGELIST, {"q": " olga@example.ORG "}).context["cl"].result_list

    assert set(found) == set(hers)


def test_an_ip_address_search_finds_the_comments_sent_from_it(client, moderator, article):
    sent = CommentFactory(content_object=article, ip_address="203.0.113.9")
    CommentFactory(content_object=article, ip_address="203.0.113.90")
    client.force_login(moderator)

    found = client.get(CHANGELIST, {"q": "203.0.113.9"}).context["cl"].result_list

    assert list(found) == [sent]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("OUNCI", {"council"}),  # part of a word, in any case
        ("olga", {"name", "email"}),
        ("pills.example", {"url"}),
        ('council "full budget"', {"council"}),  # every term, a quoted one as one
        ("council nowhere", set()),
        ("ab", {"short"}),  # shorter than a trigram
    ],
)
def test_text_search_finds_every_term_in_any_searched_field(
    client, moderator, article, term, found
):
    comments = {
        "council": CommentFactory(content="The Council should publish the full budget."),
        "name": CommentFactory(author_name="Olga K", content="Agreed."),
        "email": CommentFactory(author_email="olga.k@example.org", content="Agreed."),
        "url": CommentFactory(author_url="https://shop.pills.example/", content="Hi."),
        "short": CommentFactory(content="Tab 1."),
    }
    client.force_login(moderator)

    listed = client.get(CHANGELIST, {"q": term}).context["cl"].result_list

    assert set(listed) == {comments[name] for name in found}


def test_text_search_follows_edited_and_deleted_comments(client, moderator, article):
    edited = CommentFactory(content_object=article, content="An allotment of land.")
    deleted = CommentFactory(content_object=article, content="Allotments again.")
    Comment.objects.filter(pk=edited.pk).update(content="A garden.")
    deleted.delete()
    client.force_login(moderator)

    allotment = client.get(CHANGELIST, {"q": "allotment"}).context["cl"].result_list
    garden = client.get(CHANGELIST, {"q": "garden"}).context["cl"].result_list

    assert list(allotment) == []
    assert list(garden) == [edited]


def test_the_content_type_filter_offers_the_kinds_of_object_with_comments(client, moderator):
    from moderation.api.keys import create_key

    site, _ = create_key("Riverside Gazette")
    on_site = CommentFactory(content_object=site)
    CommentFactory(content_object=ArticleFactory())
    client.force_login(moderator)
    api_key_type = ContentType.objects.get_for_model(site)

    page = client.get(CHANGELIST)
    filtered = client.get(CHANGELIST, {"content_type__id__exact": api_key_type.pk})
    unknown = client.get(CHANGELIST, {"content_type__id__exact": "x"})

    spec = next(f for f in page.context["cl"].filter_specs if f.title == "content type")
    assert [label for _, label in spec.lookup_choices] == [
        "Articles | article",
        "Comment moderation | API key",
    ]
    assert list(filtered.context["cl"].result_list) == [on_site]
    assert list(unknown.context["cl"].result_list) == []


def test_a_long_list_is_counted_up_to_the_limit_and_then_estimated_on_postgresql(
    monkeypatch, article
):
    CommentFactory.create_batch(6, content_object=article)
    monkeypatch.setattr(comment_list, "EXACT_COUNT_LIMIT", 3)

    counted = comment_list.count_rows(Comment.objects.all())

    if connection.vendor == "postgresql":
        assert counted >= 4  # the planner's estimate, never below what was counted
    else:
        assert counted == 6
