"""Comment -> features: the one definition used by serving, retraining and `training/`.

`prepare()` turns each CommentData into the normalised text the vectorisers read and a dict of
signals (links, case, script, author name / website patterns). It runs once per comment; the
pipeline's branches only pick their part.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from moderation.models import Comment


@dataclass(frozen=True, slots=True)
class CommentData:
    """What the classifier sees of a comment, from the site, the API or a dataset."""

    content: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""

    @classmethod
    def from_comment(cls, comment: Comment) -> CommentData:
        return cls(
            content=comment.content,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_url=comment.author_url,
        )


class Prepared(NamedTuple):
    """A comment as the pipeline's branches read it."""

    text: str
    signals: dict[str, float]


# Zero-width and BOM characters: invisible to readers, and in the YouTube set U+FEFF leaks
# the label, so they never reach the model.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u200e\u200f\u2060\u00ad"))
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_WHITESPACE = re.compile(r"\s+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"\b[a-z0-9-]{2,}\.(?:com|net|org|info|biz|xyz|top|ru|in|co|io)\b", re.I)
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d ().-]{8,}\d(?![\w.])")
_REPEATED = re.compile(r"(.)\1{3,}")
_TOKEN = re.compile(r"[a-z]+")

# Words that put a name or a website in commerce rather than in a person's hands: readers'
# names and personal sites rarely contain them, blog spam bots' almost always do. Spam domains
# run words together ("forexinvestonline"), so the long, unambiguous ones also match inside a
# host; short ones only as whole tokens ("sex" is in "sussex", "deal" in "ideal").
COMMERCE_STEMS = frozenset(
    """
    backlink betting bitcoin casino cialis crypto discount escort essays followers forex
    insurance loans marketing mortgage outlet payday pharmacy poker replica supplements
    viagra wholesale
    """.split()
)
COMMERCE_WORDS = COMMERCE_STEMS | frozenset(
    """
    attorney bet bonus business buy cash cbd cheap cleaning credit dating deal deals diet
    download essay finance free gadgets hosting jobs keto lawyer likes loan locksmith money
    movers online pills plumbing porn price prices promo rank ranking repair roofing sale
    seo services sex shop shopping slots store traffic travel watches weight
    """.split()
)
_SPAMMY_TLDS = frozenset(
    """
    biz click club download icu info loan online shop site stream top win work xyz
    """.split()
)


def normalize_text(text: str) -> str:
    """Return `text` as a reader sees it: entities decoded, tags and invisible characters gone."""
    # Each step is skipped when it cannot change the text (most comments are plain ASCII);
    # the result is the same as always running all of them.
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    if "<" in text:
        text = _TAG.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip()


def prepare(comments: Iterable[CommentData]) -> list[Prepared]:
    """Return each comment's normalised text and signals, in order."""
    return [_prepare_one(comment) for comment in comments]


def prepared_texts(prepared: Sequence[Prepared]) -> list[str]:
    return [p.text for p in prepared]


def prepared_signals(prepared: Sequence[Prepared]) -> list[dict[str, float]]:
    return [p.signals for p in prepared]


def _prepare_one(comment: CommentData) -> Prepared:
    text = normalize_text(comment.content)
    signals = text_signals(text)
    signals.update(author_signals(comment.author_name, comment.author_url))
    return Prepared(text, signals)


def text_signals(text: str) -> dict[str, float]:
    """Return length, link, phone, case, repetition and script measures of normalised text."""
    length = len(text)
    n_links = len(_URL.findall(text))
    n_links += len(_BARE_DOMAIN.findall(_URL.sub(" ", text)))
    n_words = max(text.count(" ") + 1, 1)
    # map() over str methods keeps these counts in C: this runs for every comment scored.
    letters = sum(map(str.isalpha, text)) or 1
    signals = {
        "length_log": math.log1p(length) / 8,
        "links": min(n_links, 5) / 5,
        "link_density": min(n_links / n_words, 1.0),
        "phone": float(bool(_PHONE.search(text))),
        "upper_ratio": sum(map(str.isupper, text)) / letters,
        "digit_ratio": sum(map(str.isdigit, text)) / max(length, 1),
        "repeated_chars": float(bool(_REPEATED.search(text))),
        "exclamations": min(text.count("!"), 10) / 10,
    }
    script = _main_script(text)
    if script:
        signals[f"script={script}"] = 1.0
    return signals


def author_signals(name: str, url: str) -> dict[str, float]:
    """Return the author-name and website patterns of blog spam bots.

    Each signal is 0 unless a pattern is present, so a comment without a name or website looks
    like one with an ordinary name and no website: absence is never evidence either way.
    """
    signals: dict[str, float] = {}
    name = name.strip()
    if name:
        tokens = _TOKEN.findall(name.casefold())
        if _URL.search(name) or _BARE_DOMAIN.search(name):
            signals["name_is_link"] = 1.0
        if any(token in COMMERCE_WORDS for token in tokens):
            signals["name_commerce"] = 1.0
        if len(tokens) >= 2 and name.islower() and len(tokens) == len(name.split()):
            # "real estate websites": keyword phrases, where people write "Anna K." or "annak".
            signals["name_lowercase_phrase"] = 1.0
    if url:
        try:
            parts = urlsplit(url if "//" in url else f"//{url}")
        except ValueError:  # "http://[": a corpus row must not stop training
            parts = urlsplit("")
        host = (parts.hostname or "").casefold()
        location = host + parts.path.casefold()
        tokens = _TOKEN.findall(location)
        if any(t in COMMERCE_WORDS for t in tokens) or any(s in location for s in COMMERCE_STEMS):
            signals["url_commerce"] = 1.0
        if host.rsplit(".", 1)[-1] in _SPAMMY_TLDS:
            signals["url_spammy_tld"] = 1.0
        if parts.query or parts.path.strip("/").count("/") >= 1:
            signals["url_deep_link"] = 1.0
        if host.replace(".", "").isdigit():
            signals["url_is_ip"] = 1.0
    return signals


# What each signal means, for the moderators' "why" (scripts are "script=NAME").
SIGNAL_DESCRIPTIONS = {
    "length_log": "length of the comment",
    "links": "links in the text",
    "link_density": "share of words that are links",
    "phone": "a phone number",
    "upper_ratio": "share of capital letters",
    "digit_ratio": "share of digits",
    "repeated_chars": "a character repeated four times or more",
    "exclamations": "exclamation marks",
    "name_is_link": "author name is a link",
    "name_commerce": "author name has a commerce word",
    "name_lowercase_phrase": "author name is a lowercase keyword phrase",
    "url_commerce": "author website has a commerce word",
    "url_spammy_tld": "author website ends in a domain spammers favour",
    "url_deep_link": "author website links deep into a site",
    "url_is_ip": "author website is an IP address",
}


def describe_signal(name: str) -> str:
    if name.startswith("script="):
        return f"written in {name.removeprefix('script=').title()} script"
    return SIGNAL_DESCRIPTIONS.get(name, name)


def _main_script(text: str) -> str:
    """Return the Unicode script most letters of `text` are written in ("" for Latin)."""
    head = text[:500]
    if not head or max(head) <= "\u024f":
        return ""
    counts: dict[str, int] = {}
    for ch in head:
        if ch.isalpha() and ord(ch) > 0x24F:
            script = unicodedata.name(ch, "OTHER").split(" ", 1)[0]
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    script, count = max(counts.items(), key=lambda item: item[1])
    return script if count * 2 >= sum(map(str.isalpha, head)) else ""
