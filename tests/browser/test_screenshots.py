"""The README's picture of the review queue, taken afresh on every run so that it shows the queue
as it is: docs/img/queue.png, 1280×800, scored by the shipped model."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest

from moderation.models import Status
from moderation.submission import submit_comment
from tests.browser.test_admin_queue import log_in

pytestmark = pytest.mark.browser

QUEUE_PNG = Path(__file__).resolve().parents[2] / "docs" / "img" / "queue.png"
# A fixed morning, so that the picture changes only when the queue does.
MORNING = dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.UTC)

# A morning's doubtful comments under one article, oldest first: the shipped model holds each of
# them for review (readers who give a phone number, an email or a link; praise that could be a
# bot's). Were it to file them otherwise, pick texts it holds: the picture is of the queue.
HELD = [
    (
        "Peter Novak",
        "peter.novak@example.org",
        "Call the embassy on +375 17 210 1283 if you need a visa for the border, they are helpful.",
    ),
    (
        "Ivan",
        "ivan.s@example.org",
        "Full text of the communique: http://kremlin.ru/events/president/news/ (in Russian)",
    ),
    (
        "Tom",
        "tom1987@example.com",
        "Thank you for this great article, very informative. Keep up the good work!",
    ),
    (
        "Dmitri K.",
        "dmitri@example.org",
        "Email me at dmitri.k@example.org, I have documents about the pipeline contract that "
        "your reporters should see.",
    ),
    ("Sam", "sam.w@example.com", "Hi, nice website! Where can I find more articles like this one?"),
    ("Mary", "mary.j@example.com", "Great post, thanks for sharing this information with us."),
]
# Earlier comments the model filed by itself, so the tabs and the authors' records have counts.
EARLIER = [
    (
        "Peter Novak",
        "peter.novak@example.org",
        "",
        "The border queues were four hours long last week.",
    ),
    ("Peter Novak", "peter.novak@example.org", "", "Good to see a correspondent on the ground."),
    ("Ivan", "ivan.s@example.org", "", "The Minsk figures in the table look out of date."),
    ("Olga Brandt", "olga.brandt@example.org", "", "Is this confirmed? The agency said Tuesday."),
    ("Aisha R.", "aisha@example.net", "", "The map puts the crossing in the wrong place."),
    (
        "Best Essay Writers",
        "sales@essays-fast.example",
        "https://essays-fast.example/order-now",
        "Great article, very informative! If you need help with homework, our writers deliver "
        "any essay in 3 hours: https://essays-fast.example/order-now cheap prices, 20% off today",
    ),
    (
        "Jenny",
        "jenny.work88@example.com",
        "",
        "I earn $4,500 a month working from home, only 2 hours a day. Message me on WhatsApp "
        "+1 555 0142 8890 and I will show you how.",
    ),
    (
        "crypto",
        "cryptoqueen@example.com",
        "",
        "Bitcoin recovery expert helped me get back my lost funds, contact him at "
        "recoverypro@mail.example",
    ),
]


def png_size(path: Path) -> tuple[int, int]:
    """Return (width, height) from a PNG file's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.fixture
def morning_queue(article):
    """The held comments, scored and filed by the shipped model with its own thresholds."""
    for days, (name, email, url, text) in enumerate(EARLIER, start=1):
        submit_comment(
            article,
            author_name=name,
            author_email=email,
            author_url=url,
            content=text,
            ip_address=f"198.51.100.{days}",
            submitted_at=MORNING - dt.timedelta(days=days),
        )
    return [
        submit_comment(
            article,
            author_name=name,
            author_email=email,
            content=text,
            ip_address=f"203.0.113.{20 + i}",
            submitted_at=MORNING - dt.timedelta(minutes=95 - 17 * i),
        ).comment
        for i, (name, email, text) in enumerate(HELD)
    ]


def test_queue_screenshot_shows_the_held_comments_at_1280x800(
    live_server, page, moderator, morning_queue
):
    held = [comment for comment in morning_queue if comment.status == Status.PENDING]
    page.set_viewport_size({"width": 1280, "height": 800})
    # The admin's navigation sidebar closed: the whole width for the queue.
    page.context.add_init_script("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")
    log_in(page, live_server)
    QUEUE_PNG.parent.mkdir(parents=True, exist_ok=True)

    page.screenshot(path=str(QUEUE_PNG))

    rows = page.locator("#result_list tbody tr")
    assert held == morning_queue, "the shipped model no longer holds every HELD comment"
    assert rows.count() == len(held)
    assert page.inner_text(".queue-tabs a[data-status=pending] .count") == str(len(held))
    assert rows.first.is_visible()
    assert rows.nth(1).bounding_box()["y"] < 800  # at least two rows in the picture
    assert page.locator("#result_list mark.why-spam").count() > 0
    assert png_size(QUEUE_PNG) == (1280, 800)
