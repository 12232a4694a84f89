"""Comment -> features: the one definition used by serving, retraining and `training/`.

`prepare()` turns each CommentData into the normalised text the vectorisers read and a dict of
signals (links, case, script, author name / website patterns). It runs once per comment; the
pipeline's branches only pick their part.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

import numpy as np

from moderation.classifier import hashing

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
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"\b[a-z0-9-]{2,}\.(?:com|net|org|info|biz|xyz|top|ru|in|co|io)\b", re.I)
_TLD = re.compile(r"\.(?:com|net|org|info|biz|xyz|top|ru|in|co|io)\b", re.I)
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d ().-]{8,}\d(?![\w.])")
_PHONE_DIGITS = 7  # fewer digits are never a phone number: the expression is not tried
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*[a-z]", re.I)
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
    return " ".join(text.split())  # the same as collapsing \s+ (every code point checked)


def prepare(comments: Iterable[CommentData]) -> list[Prepared]:
    """Return each comment's normalised text and signals, in order."""
    comments = list(comments)
    texts = [normalize_text(comment.content) for comment in comments]
    signals = text_signals_of(texts)
    for comment, found in zip(comments, signals, strict=True):
        if comment.author_name or comment.author_url:
            found.update(author_signals(comment.author_name, comment.author_url))
    return [Prepared(text, found) for text, found in zip(texts, signals, strict=True)]


def prepared_texts(prepared: Sequence[Prepared]) -> list[str]:
    return [p.text for p in prepared]


def prepared_signals(prepared: Sequence[Prepared]) -> list[dict[str, float]]:
    return [p.signals for p in prepared]


def text_signals(text: str) -> dict[str, float]:
    """Return the signals of one normalised text (see text_signals_of)."""
    return text_signals_of([text])[0]


def text_signals_of(texts: list[str]) -> list[dict[str, float]]:
    """Return length, link, contact, case, repetition and script measures of normalised texts.

    Counts over characters run on the whole batch at once in numpy; the regular expressions
    only on the texts that can match them. Signals that are 0 are left out.
    """
    encoded = hashing.encode(texts)
    codes, rows = encoded.codes, encoded.rows
    lengths = np.diff(np.append(rows, len(codes))) - 1
    kind = _character_kinds(codes)

    def per_text(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask, rows, dtype=np.int64) if len(texts) else np.zeros(0)

    upper = per_text(kind == _UPPER)
    letters = np.maximum(upper + per_text(kind == _LOWER) + per_text(kind == _LETTER), 1)
    digits = per_text(kind == _DIGIT)
    words = per_text(codes == ord(" ")) + 1
    shifted = codes[:-3]
    repeated = per_text(
        np.concatenate(
            [
                (shifted == codes[1:-2])
                & (shifted == codes[2:-1])
                & (shifted == codes[3:])
                & (shifted != 0),
                np.zeros(3, bool),
            ]
        )
    )
    values = {
        "length_log": np.log1p(lengths) / 8,
        "upper_ratio": upper / letters,
        "digit_ratio": digits / np.maximum(lengths, 1),
        "repeated_chars": (repeated > 0).astype(float),
        "exclamations": np.minimum(per_text(codes == ord("!")), 10) / 10,
    }
    wide = per_text(codes > 0x24F) > 0
    result = []
    for i, text in enumerate(texts):
        found = {name: float(column[i]) for name, column in values.items() if column[i]}
        n_links = count_links(text)
        if n_links:
            found["links"] = min(n_links, 5) / 5
            found["link_density"] = min(n_links / words[i], 1.0)
        if digits[i] >= _PHONE_DIGITS and _PHONE.search(text):
            found["phone"] = 1.0
        if "@" in text and _EMAIL.search(text):
            found["email"] = 1.0
        script = _main_script(text) if wide[i] else ""
        if script:
            found[f"script={script}"] = 1.0
        result.append(found)
    return result


def count_links(text: str) -> int:
    """Return the number of links and bare domains ("cheap-pills.com") in a normalised text."""
    lowered = text.lower()
    n_links = 0
    if "http" in lowered or "www." in lowered:
        n_links = len(_URL.findall(text))
        text = _URL.sub(" ", text)
    if _TLD.search(text):
        n_links += len(_BARE_DOMAIN.findall(text))
    return n_links


def advertises(comment: CommentData) -> bool:
    """Return whether a comment has anything to advertise: a link, a domain, a phone number or
    an e-mail address in its text, or an author website."""
    if comment.author_url.strip():
        return True
    found = text_signals(normalize_text(comment.content))
    return any(name in found for name in ("links", "phone", "email"))


_UPPER, _LOWER, _LETTER, _DIGIT, _OTHER = range(5)


@cache
def _ascii_kinds() -> np.ndarray:
    return np.array([_kind(chr(c)) for c in range(128)], np.int8)


def _kind(ch: str) -> int:
    if ch.isupper():
        return _UPPER
    if ch.islower():
        return _LOWER
    if ch.isalpha():
        return _LETTER
    return _DIGIT if ch.isdigit() else _OTHER


def _character_kinds(codes: np.ndarray) -> np.ndarray:
    """Return each code point's kind: upper, lower or other letter, digit, or anything else."""
    kinds = _ascii_kinds()[np.minimum(codes, 127)]
    wide = codes > 127
    if wide.any():
        unique, inverse = np.unique(codes[wide], return_inverse=True)
        kinds[wide] = np.array([_kind(chr(c)) for c in unique.tolist()], np.int8)[inverse]
    return kinds


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
    "email": "an e-mail address in the text",
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
