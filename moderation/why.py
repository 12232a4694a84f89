"""The reasons a comment was filed as it was: a rule, the report campaign memory matched, or the
model's own contributions; as HTML for the queue, and as data (reasons_for) for the JSON API.

Every piece of comment text goes through format_html / conditional_escape: the highlighting
wraps escaped words in <mark>, it never marks up the reader's text itself.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from moderation import rules
from moderation.classifier.explanations import NOTABLE, Explanation, explain
from moderation.classifier.registry import active_model_source
from moderation.classifier.scoring import load
from moderation.features import CommentData
from moderation.models import LABEL_FOR_ACTION, Comment, Decision
from moderation.verdicts import Verdict

logger = logging.getLogger(__name__)

# Which words the text marks (issue 17): marking every word past NOTABLE lit up nearly all of
# them, both ways, and the few that decided the comment were lost among them. So only the side
# the score fell on (spam above even odds, else ham) is marked, strongest first, until the
# marked words carry MARKED_SHARE of that side's word contributions, never more than MAX_MARKED
# words and none under NOTABLE: a handful a moderator takes in at a glance. Signals are not
# words; they stay in the list of reasons.
MARKED_SHARE = 0.8
MAX_MARKED = 5


def explanation_for(comment: Comment) -> Explanation | None:
    """Return the active model's explanation of `comment`, or None if it cannot give one."""
    try:
        linear = load(active_model_source()).linear
    except Exception as exc:  # a broken model must not break the queue page
        logger.warning("No explanations: the active model could not be loaded: %s", exc)
        return None
    return None if linear is None else explain(linear, CommentData.from_comment(comment))


def marked_words(explanation: Explanation) -> dict[int, float]:
    """Return the positions of the words to mark, each with its weight relative to the
    strongest of them (which is 1.0), by the MARKED_SHARE / MAX_MARKED rule above."""
    sign = 1.0 if explanation.log_odds >= 0 else -1.0
    side = [(i, sign * c) for i, (_, c) in enumerate(explanation.words) if sign * c > 0]
    side.sort(key=lambda item: -item[1])
    mass = sum(c for _, c in side)
    marked: dict[int, float] = {}
    carried = 0.0
    for position, contribution in side[:MAX_MARKED]:
        if contribution < NOTABLE or carried >= MARKED_SHARE * mass:
            break
        marked[position] = contribution / side[0][1]
        carried += contribution
    return marked


def highlighted_text(explanation: Explanation, *, max_words: int | None = None) -> SafeString:
    """Return the text as the model read it, the words that decided the score marked."""
    marked = marked_words(explanation)
    words = explanation.words if max_words is None else explanation.words[:max_words]
    parts = []
    for position, (word, contribution) in enumerate(words):
        if position not in marked:
            parts.append(format_html("{}", word))
            continue
        side = "spam" if contribution > 0 else "ham"
        parts.append(
            format_html(
                '<mark class="why why-{}" style="--strength:{}" title="{}">{}</mark>',
                side,
                f"{0.15 + 0.65 * marked[position]:.2f}",
                gettext("%(weight)+.2f towards %(side)s")
                % {"weight": contribution, "side": gettext(side)},
                word,
            )
        )
    more = "…" if max_words is not None and len(explanation.words) > max_words else ""
    return mark_safe(" ".join(parts) + more)  # every part was escaped above


def reasons(explanation: Explanation, *, limit: int = 4) -> SafeString:
    """Return the strongest words and signals as a short list, spam side first."""
    items = [
        *[(f"“{w}”", c) for w, c in explanation.top_words(limit)],
        *[(d, c) for d, c in explanation.notable_signals() if c > 0][:limit],
        *[(f"“{w}”", c) for w, c in explanation.top_words(2, spam=False)],
        *[(d, c) for d, c in explanation.notable_signals() if c < 0][:2],
    ]
    return format_html_join(
        " ",
        '<span class="reason reason-{}">{} {}</span>',
        (("spam" if c > 0 else "ham", label, f"{c:+.1f}") for label, c in items),
    )


def matched_label(comment: Comment) -> Decision | None:
    """Return the label campaign memory matched the comment to: reported spam filed it as
    spam, an approval held it back from spam. None when memory did not decide it."""
    return comment.matched_label if comment.matched_label_id is not None else None


def describe_match(label: Decision) -> str:
    """Return, in words, the label campaign memory matched: what it said, who, and when."""
    if LABEL_FOR_ACTION.get(label.action):
        what = gettext("spam reported")
    else:
        what = gettext("a comment approved")
    if label.moderator is not None:
        who = gettext("by %(name)s") % {"name": label.moderator.get_username()}
    elif label.api_key is not None:
        who = gettext("by the client site %(site)s") % {"site": label.api_key.site}
    else:
        who = gettext("by a moderator")
    return gettext("Near-duplicate of %(what)s %(who)s on %(date)s") % {
        "what": what,
        "who": who,
        "date": f"{label.created_at:%Y-%m-%d}",
    }


def match_html(label: Decision, *, max_words: int | None = None) -> SafeString:
    """Return the matched label's description, linking to the comment it labelled."""
    target = label.comment
    if target is None:  # deleted by retention: its text lives on in the label's snapshot
        text = (label.snapshot or {}).get("content", "")
        return format_html(
            '<span class="reason reason-memory">{}: “{}”</span>',
            describe_match(label),
            _excerpt(text, max_words and min(max_words, 25)),
        )
    return format_html(
        '<span class="reason reason-memory">{}: <a href="{}">“{}”</a></span>',
        describe_match(label),
        reverse("admin:moderation_comment_change", args=[target.pk]),
        _excerpt(target.content, max_words and min(max_words, 25)),
    )


def why_html(comment: Comment, *, max_words: int | None = None) -> SafeString:
    """Return the reason a comment was filed as it was, for the queue and the comment page."""
    if comment.rule_id is not None and comment.rule is not None:
        return format_html(
            '<span class="reason reason-rule">{}</span>', rules.describe(comment.rule)
        )
    label = matched_label(comment)
    if label is not None and LABEL_FOR_ACTION.get(label.action):
        return format_html(
            '<div class="why-text">{}</div><div class="why-reasons">{}</div>',
            _excerpt(comment.content, max_words),
            match_html(label, max_words=max_words),
        )
    explanation = explanation_for(comment)
    if explanation is None:
        return format_html("{}", _excerpt(comment.content, max_words))
    if comment.verdict == Verdict.HAM:
        # Published by the model: nothing for a moderator to weigh, so the text reads plain
        # until they ask why (a <details> works without the queue's script).
        text = format_html(
            '<div class="why-text why-plain">{}</div><details class="why-toggle">'
            '<summary>{}</summary><div class="why-text">{}</div></details>',
            _excerpt(" ".join(w for w, _ in explanation.words), max_words),
            gettext("show why"),
            highlighted_text(explanation, max_words=max_words),
        )
    else:
        text = format_html(
            '<div class="why-text">{}</div>', highlighted_text(explanation, max_words=max_words)
        )
    html = format_html('{}<div class="why-reasons">{}</div>', text, reasons(explanation))
    if label is not None:  # an approved near-duplicate held it back from spam
        html += format_html(
            '<div class="why-reasons">{} {}</div>',
            gettext("Held, not filed as spam:"),
            match_html(label, max_words=max_words),
        )
    active = active_model_source().version
    if comment.model_version and comment.model_version != active:
        # The queue explains with the model in memory; the score came from an earlier one.
        html += format_html(
            '<div class="why-model">{}</div>',
            gettext("Explained by the active model %(active)s; scored by %(scored)s.")
            % {"active": active, "scored": comment.model_version},
        )
    if " ".join(comment.content.split()) != " ".join(w for w, _ in explanation.words):
        # Markup, entities or invisible characters the model did not read: show what was sent.
        html += format_html(
            '<div class="why-raw">{} <code>{}</code></div>',
            gettext("As sent:"),
            _excerpt(comment.content, max_words),
        )
    return html


def _excerpt(text: str, max_words: int | None) -> str:
    words = text.split()
    if max_words is None or len(words) <= max_words:
        return text
    return " ".join(words[:max_words]) + "…"


@dataclass(frozen=True)
class Reason:
    feature: str
    weight: float | None


@dataclass(frozen=True)
class Reasons:
    """What decided a comment, and the model whose weights gave them (None for a rule)."""

    reasons: list[Reason]
    model_version: str | None = None


def reasons_for(comment: Comment, *, limit: int = 8) -> Reasons:
    """Return what decided `comment`: its rule, or the words and signals that moved its score.

    Words and signals come from the active model, which may be newer than the one that scored
    the comment (its `model_version`): the result says which.
    """
    if comment.rule_id is not None and comment.rule is not None:
        return Reasons([Reason(rules.describe(comment.rule), None)])
    label = matched_label(comment)
    if label is not None and LABEL_FOR_ACTION.get(label.action):
        return Reasons([Reason(describe_match(label), None)])
    if not comment.verdict:
        return Reasons([])  # never scored: there is nothing to explain
    version = active_model_source().version  # what explanation_for explains with
    explanation = explanation_for(comment)
    if explanation is None:
        return Reasons([])
    items = [
        *[(f"“{w}”", c) for w, c in explanation.top_words(limit)],
        *[(f"“{w}”", c) for w, c in explanation.top_words(limit, spam=False)],
        *explanation.notable_signals(),
    ]
    items.sort(key=lambda item: -abs(item[1]))
    reasons = [Reason(f, round(c, 4)) for f, c in items[:limit] if math.isfinite(c)]
    if label is not None:  # an approved near-duplicate held it back from spam
        held = gettext("Held, not filed as spam: %(match)s") % {"match": describe_match(label)}
        reasons.insert(0, Reason(held, None))
    return Reasons(reasons, version)
