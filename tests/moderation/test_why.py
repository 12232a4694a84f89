"""The queue's "why": which words are marked, how strongly, and when the text stays plain."""

from __future__ import annotations

import re

import pytest

from moderation.classifier.explanations import NOTABLE
from moderation.submission import submit_comment
from moderation.verdicts import Verdict
from moderation.why import MARKED_SHARE, MAX_MARKED, explanation_for, marked_words, why_html
from tests.examples import HAM, SPAM

pytestmark = pytest.mark.usefixtures("active_model")

MARK = re.compile(r'<mark class="why why-(\w+)" style="--strength:([\d.]+)"[^>]*>([^<]*)</mark>')
MIXED = (
    "I read your article about the council budget. Buy cheap viagra online at "
    "http://pills.example best prices no prescription"
)


def post(article, content):
    return submit_comment(article, author_name="Reader", content=content).comment


def outside_toggle(html):
    """The HTML a moderator sees before opening "show why"."""
    return re.sub(r'<details class="why-toggle">.*?</details>', "", html, flags=re.S)


def test_the_in_an_ordinary_ham_comment_is_not_marked(article):
    comment = post(article, HAM[0])  # "I think the council should publish the full budget …"

    html = why_html(comment)

    assert comment.verdict == Verdict.HAM
    assert "<mark" not in outside_toggle(html)
    assert "I think the council should publish the full budget" in outside_toggle(html)


def test_the_is_not_marked_in_spam_though_it_is_the_strongest_ham_word(article):
    comment = post(article, MIXED)
    explanation = explanation_for(comment)

    marks = MARK.findall(why_html(comment))

    assert comment.verdict == Verdict.SPAM
    assert explanation.top_words(1, spam=False)[0][0] == "the"
    assert {side for side, _, _ in marks} == {"spam"}
    assert "the" not in {word for _, _, word in marks}


def test_a_spam_comment_marks_a_few_words_the_strongest_fully(article):
    comment = post(article, SPAM[0])
    strongest, _ = max(explanation_for(comment).words, key=lambda item: item[1])

    marks = MARK.findall(why_html(comment))

    assert comment.verdict == Verdict.SPAM
    assert 1 <= len(marks) <= MAX_MARKED < len(SPAM[0].split())
    assert ("spam", "0.80", strongest) in marks
    assert all(float(strength) < 0.80 for _, strength, word in marks if word != strongest)


@pytest.mark.parametrize("text", [*SPAM[:6], *HAM[:6], MIXED])
def test_the_marked_words_are_the_fewest_that_carry_most_of_the_verdicts_side(article, text):
    explanation = explanation_for(post(article, text))
    sign = 1 if explanation.log_odds >= 0 else -1
    side = sorted((sign * c for _, c in explanation.words if sign * c > 0), reverse=True)

    marked = marked_words(explanation)

    carried = [sign * explanation.words[i][1] for i in marked]
    assert sorted(carried, reverse=True) == side[: len(marked)]  # the strongest, in order
    assert (
        sum(carried) >= MARKED_SHARE * sum(side)
        or len(marked) == MAX_MARKED
        or side[len(marked)] < NOTABLE  # the rest are too slight to mark
    )
    assert sum(carried[:-1]) < MARKED_SHARE * sum(side)  # and no more than needed
    assert max(marked.values()) == 1.0


def test_a_clear_ham_comment_reads_plain_with_a_toggle_that_holds_the_marks(article):
    comment = post(article, HAM[4])

    html = why_html(comment)

    toggle = re.search(r'<details class="why-toggle">(.*?)</details>', html, re.S)
    assert toggle is not None
    assert toggle.group(1).startswith("<summary>show why</summary>")
    assert MARK.search(toggle.group(1))
    assert '<div class="why-reasons">' in outside_toggle(html)  # the reasons stay in sight


def test_held_and_spam_comments_show_their_marks_without_a_toggle(article, settings):
    settings.MODERATION = {**settings.MODERATION, "SPAM_THRESHOLD": 1.1}  # hold the spam
    held = post(article, SPAM[2])

    html = why_html(held)

    assert held.verdict == Verdict.PENDING
    assert "why-toggle" not in html
    assert MARK.search(html)


@pytest.mark.parametrize(
    "text",
    [
        '<script>alert("x")</script> Buy cheap pills at http://pills.example.com/?a=1&b=<x>"y" now',
        '<script>alert("x")</script> I think the council should publish it, a<b & "quotes".',
    ],
)
def test_the_text_is_escaped_marked_or_plain(article, text):
    comment = post(article, text)

    html = why_html(comment)

    assert "<script" not in html and "&lt;script&gt;" in html  # as sent, escaped
    assert "alert(&quot;x&quot;)" in html
    if comment.verdict == Verdict.SPAM:
        assert ("spam", "0.80", "http://pills.example.com/?a=1&amp;b=") in MARK.findall(html)
    else:
        assert "a&lt;b &amp; &quot;quotes&quot;." in outside_toggle(html)
