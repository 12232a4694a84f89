from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from moderation import decisions
from moderation.labels import labels
from moderation.models import Action, Comment, Decision, Rule, RuleKind, Status
from moderation.privacy import Person, anonymise_old, erase, export
from moderation.retention import purge
from tests.factories import CommentFactory

NOW = timezone.now()


def posted(article, days_ago, **fields):
    personal = {"ip_address": "203.0.113.9", "user_agent": "Mozilla/5.0", "referrer": "x"}
    return CommentFactory(
        content_object=article,
        submitted_at=NOW - datetime.timedelta(days=days_ago),
        **{**personal, **fields},
    )


def test_old_comments_lose_ip_email_and_browser_but_keep_text_and_name(db, article):
    old = posted(article, 91, author_email="olga@example.org", content="Old words")
    recent = posted(article, 89, author_email="olga@example.org")

    assert anonymise_old(90, now=NOW) == 1

    old.refresh_from_db(), recent.refresh_from_db()
    assert (old.ip_address, old.author_email, old.user_agent, old.referrer) == (None, "", "", "")
    assert (old.content, old.author_name) == ("Old words", "Reader")
    assert recent.ip_address == "203.0.113.9" and recent.author_email == "olga@example.org"


def test_label_snapshots_of_purged_comments_lose_the_email_too(db, article, admin_user):
    spam = posted(article, 100, author_email="bot@spam.example", status=Status.PENDING)
    decisions.mark_spam(spam, admin_user)
    Decision.objects.update(created_at=NOW - datetime.timedelta(days=100))
    purge(15, now=NOW)

    anonymise_old(90, now=NOW)

    [label] = labels()
    assert label.comment.author_email == "" and label.comment.content == spam.content


def test_nothing_is_anonymised_when_the_setting_is_none(db, article, settings):
    settings.MODERATION = {**settings.MODERATION, "PERSONAL_DATA_DAYS": None}
    posted(article, 1000, author_email="olga@example.org")

    assert anonymise_old() == 0


def test_a_persons_comments_are_exported_by_email_or_ip(db, article):
    mine = posted(article, 3, author_email="Olga@Example.org", content="Mine")
    posted(article, 2, author_email="other@example.org", ip_address="198.51.100.1")

    rows = export(Person(email="olga@example.org"))["comments"]

    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["content"] == "Mine" and rows[0]["ip_address"] == "203.0.113.9"
    assert len(export(Person(ip_address="203.0.113.9"))["comments"]) == 1


def test_erasing_a_person_removes_their_comments_and_label_texts(db, article, admin_user):
    mine = posted(article, 3, author_email="olga@example.org", status=Status.PENDING)
    decisions.approve(mine, admin_user)
    other = posted(article, 2, author_email="other@example.org", ip_address="198.51.100.1")

    assert erase(Person(email="olga@example.org")) == 1

    assert list(Comment.objects.all()) == [other]
    assert [label.comment.content for label in labels()] == []


def test_erasing_and_exporting_cover_rules_and_notes_that_name_the_person(db, article, admin_user):
    mine = posted(article, 3, author_email="olga@example.org", ip_address="203.0.113.7")
    Rule.objects.create(kind=RuleKind.ALLOW_EMAIL, value="olga@example.org", note="Olga, a regular")
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value="203.0.113.7")
    Rule.objects.create(kind=RuleKind.BLOCK_IP, value="198.51.100.1", note="not 203.0.113.7's")
    kept = Rule.objects.create(kind=RuleKind.BLOCK_EMAIL, value="bot@spam.example")
    other = posted(article, 2, author_email="other@example.org", ip_address="198.51.100.1")
    note = "Rule: Always allow author email: Olga@Example.org; ip 203.0.113.7"
    decisions.record_decision(other, Action.APPROVED, admin_user, note=note)
    olga = Person(email="olga@example.org", ip_address="203.0.113.7")

    exported = export(olga)
    assert sorted(r["value"] for r in exported["rules"]) == [
        "198.51.100.1",
        "203.0.113.7",
        "olga@example.org",
    ]
    assert [n["note"] for n in exported["decision_notes"]] == [note]

    erase(olga)

    assert sorted(Rule.objects.values_list("value", "note")) == [
        ("198.51.100.1", "not [erased]'s"),
        (kept.value, ""),
    ]
    assert not Comment.objects.filter(pk=mine.pk).exists()
    assert other.history.get().note == "Rule: Always allow author email: [erased]; ip [erased]"
    assert export(olga) == {"comments": [], "rules": [], "decision_notes": []}


def test_personal_data_command_exports_and_erases_only_with_yes(db, article, capsys, tmp_path):
    posted(article, 3, author_email="olga@example.org")

    call_command("personal_data", "export", "--email", "olga@example.org", "--out", tmp_path / "x")
    call_command("personal_data", "erase", "--email", "olga@example.org")
    assert Comment.objects.count() == 1
    call_command("personal_data", "erase", "--email", "olga@example.org", "--yes")

    exported = json.loads((tmp_path / "x").read_text())
    assert exported["comments"][0]["author_email"] == "olga@example.org"
    out = capsys.readouterr().out
    assert "Would erase 1 comments." in out and "Erased 1 comments." in out
    assert not Comment.objects.exists()


def test_personal_data_command_needs_someone_to_look_for(db):
    with pytest.raises(CommandError, match="Name the person by an email address or an IP"):
        call_command("personal_data", "export")


def test_purge_command_also_clears_old_personal_data(db, article, capsys):
    old = posted(article, 120, author_email="olga@example.org")

    call_command("purge_comments")

    old.refresh_from_db()
    assert old.ip_address is None
    assert "Cleared the personal data of 1 comments older than 90 days." in capsys.readouterr().out
