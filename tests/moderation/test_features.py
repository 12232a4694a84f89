from __future__ import annotations

import html
import re
import unicodedata

import pytest

from moderation.features import (
    _INVISIBLE,
    CommentData,
    author_signals,
    normalize_text,
    prepare,
    text_signals,
)


def reference_normalize(text):
    """normalize_text without its shortcuts: every step, always."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_INVISIBLE)
    text = re.sub(r"</?[a-zA-Z][^<>]{0,200}>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii text",
        "  spaced\tout\n\nlines  ",
        "caf&eacute; &amp; cr&egrave;me",
        "&#39;quoted&#39; &lt;b&gt;bold&lt;/b&gt;",
        "<a href='http://x.example'>link</a><br />next",
        "zero\u200bwidth\ufeff and soft\u00adhyphen",
        "ﬁ ligature and ＦＵＬＬＷＩＤＴＨ",
        "Путин и Лукашенко",
        "a < b and c > d",
        "emoji 🎉 and RTL \u202emoc.elpmaxe",
        "",
    ],
)
def test_normalize_text_shortcuts_change_nothing(text):
    assert normalize_text(text) == reference_normalize(text)


def test_normalize_text_shows_what_a_reader_sees():
    assert normalize_text("Great&nbsp;post!<br />Visit\ufeff  now") == "Great post! Visit now"


def test_text_signals_count_links_phone_numbers_and_script():
    signals = text_signals("Call +1-888-555-0142 or visit www.help.example and http://a.example/x")

    assert signals["phone"] == 1.0
    assert signals["links"] == pytest.approx(2 / 5)
    assert "script=CYRILLIC" in text_signals("Путин и Лукашенко встретятся")
    assert not any(k.startswith("script=") for k in text_signals("plain English"))


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("Anna K.", "", set()),
        ("mike_t", "https://annas-garden-notes.example", set()),
        ("Sussex Fan", "http://sussexlife.example", set()),
        ("real estate websites", "", {"name_lowercase_phrase"}),
        ("cheap flights", "", {"name_commerce", "name_lowercase_phrase"}),
        ("imscseo.com", "", {"name_is_link"}),
        ("Business", "http://www.forexinvestonline.com/", {"name_commerce", "url_commerce"}),
        ("Jo", "http://blog.example/profile.php?id=4", {"url_deep_link"}),
        ("Jo", "http://198.51.100.7/", {"url_is_ip"}),
        ("Jo", "https://deals.xyz", {"url_commerce", "url_spammy_tld"}),
    ],
)
def test_author_signals_flag_spam_bot_patterns_only(name, url, expected):
    assert set(author_signals(name, url)) == expected


def test_a_missing_name_or_website_gives_no_signal():
    with_nothing = prepare([CommentData("Same text")])[0].signals
    with_a_person = prepare([CommentData("Same text", author_name="Anna K.")])[0].signals

    assert with_nothing == with_a_person
