from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from moderation.models import Action, Comment, Rule, RuleKind, Source, Status
from moderation.rules import link_domains, matching_rule, normalize_value
from moderation.submission import submit_comment
from moderation.verdicts import Verdict

HAM_TEXT = "I think the council should publish the full budget before the vote, not after."


def post(target, content=HAM_TEXT, **extra):
    fields = {"author_name": "Reader", "author_email": "reader@example.org", "content": content}
    return submit_comment(target, **{**fields, **extra})


def rule(kind, value):
    return Rule.objects.create(kind=kind, value=normalize_value(kind, value))


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        (RuleKind.BLOCK_EMAIL, " Bot@Spam.Example ", "bot@spam.example"),
        (RuleKind.BLOCK_IP, "2001:DB8::0:1", "2001:db8::1"),
        (RuleKind.BLOCK_EMAIL_DOMAIN, "@Spam.Example", "spam.example"),
        (RuleKind.BLOCK_LINK_DOMAIN, "www.pills.example", "pills.example"),
    ],
)
def test_rule_values_are_stored_in_one_form(kind, value, stored):
    assert normalize_value(kind, value) == stored


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (RuleKind.BLOCK_EMAIL, "not an email"),
        (RuleKind.BLOCK_IP, "300.1.1.1"),
        (RuleKind.BLOCK_LINK_DOMAIN, "http://pills.example/x"),
        (RuleKind.BLOCK_EMAIL_DOMAIN, "localhost"),
    ],
)
def test_rule_values_of_the_wrong_kind_are_refused(kind, value):
    with pytest.raises(ValidationError):
        normalize_value(kind, value)


def test_a_blocked_ip_files_the_comment_as_spam_without_the_classifier(no_model, article):
    blocking = rule(RuleKind.BLOCK_IP, "203.0.113.9")

    submission = post(article, ip_address="203.0.113.9")

    comment = Comment.objects.get(pk=submission.comment.pk)
    assert submission.verdict == Verdict.SPAM
    assert (comment.status, comment.rule, comment.spam_score) == (Status.SPAM, blocking, None)
    [decision] = comment.history.all()
    assert (decision.source, decision.action) == (Source.RULE, Action.BLOCKED_BY_RULE)
    assert decision.note == "By rule “Block IP address: 203.0.113.9”"


def test_an_allowed_author_is_published_even_with_no_model(no_model, article):
    rule(RuleKind.ALLOW_EMAIL, "Reader@Example.org")

    submission = post(article, "Check https://pills.example/buy now")

    assert submission.comment.status == Status.APPROVED
    assert submission.comment.history.get().action == Action.ALLOWED_BY_RULE


def test_a_block_rule_wins_over_an_allow_rule(no_model, article):
    rule(RuleKind.ALLOW_EMAIL, "reader@example.org")
    blocking = rule(RuleKind.BLOCK_LINK_DOMAIN, "pills.example")

    submission = post(article, "Great article! More at https://shop.pills.example/cheap")

    assert (submission.comment.status, submission.comment.rule) == (Status.SPAM, blocking)


def test_an_email_domain_rule_covers_subdomains_but_not_lookalikes(db, article):
    rule(RuleKind.BLOCK_EMAIL_DOMAIN, "spam.example")
    comment = Comment(content_object=article, author_name="x", content="hi")

    comment.author_email = "a@mail.spam.example"
    assert matching_rule(comment) is not None
    comment.author_email = "a@notspam.example"
    assert matching_rule(comment) is None


def test_link_domains_come_from_the_text_and_the_author_website():
    comment = Comment(
        content="See www.Pills.example/a and https://news.example.org/x, www.pills.example/b",
        author_url="https://seo.example/",
    )

    assert link_domains(comment) == ["pills.example", "news.example.org", "seo.example"]


def test_without_a_matching_rule_the_classifier_decides(active_model, article):
    rule(RuleKind.BLOCK_IP, "203.0.113.9")

    submission = post(article, ip_address="198.51.100.1")

    assert submission.comment.rule is None
    assert submission.comment.history.get().source == Source.CLASSIFIER


def test_a_rule_made_here_applies_to_the_next_comment_at_once(db, settings):
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 3600}
    comment = Comment(author_name="Bot", author_email="bot@spam.example", content=HAM_TEXT)
    assert matching_rule(comment) is None  # the rules are now read and kept

    block = rule(RuleKind.BLOCK_EMAIL, "bot@spam.example")

    assert matching_rule(comment) == block
    block.delete()
    assert matching_rule(comment) is None


def test_a_rule_made_by_another_process_applies_after_the_check_interval(db, settings):
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 3600}
    comment = Comment(author_name="Bot", author_email="bot@spam.example", content=HAM_TEXT)
    assert matching_rule(comment) is None

    # bulk_create sends no post_save, as a rule saved by another server reaches this one.
    [block] = Rule.objects.bulk_create([Rule(kind=RuleKind.BLOCK_EMAIL, value="bot@spam.example")])

    assert matching_rule(comment) is None  # within the interval: the rules as last read
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 0}
    assert matching_rule(comment) == block


def test_a_rule_deleted_by_another_process_is_not_applied(db, settings):
    settings.MODERATION = {**settings.MODERATION, "MODEL_CHECK_INTERVAL": 3600}
    block = rule(RuleKind.BLOCK_IP, "203.0.113.9")
    comment = Comment(author_name="Olga", ip_address="203.0.113.9", content=HAM_TEXT)
    assert matching_rule(comment) == block

    Rule.objects.filter(pk=block.pk)._raw_delete(Rule.objects.db)  # no post_delete here

    assert matching_rule(comment) is None
