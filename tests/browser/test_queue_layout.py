"""Issue 17: at 1280×800 with the admin's sidebar open, every row of the queue shows the comment,
its author, its status and score and the decision buttons, with no sideways scrolling."""

from __future__ import annotations

import pytest

from moderation.models import Action, Status
from moderation.submission import submit_comment
from tests.browser.test_admin_queue import log_in

pytestmark = pytest.mark.browser

LONG_URL = "http://" + "a-long-domain-name-without-a-break-" * 4 + "example.com/" + "x" * 80
LONG_EMAIL = "someone.with.a.remarkably.long.address.that.goes.on.and.on" * 2 + "@example.org"

# Where each row's parts are: a decision button is hit only if elementFromPoint at its centre is
# the button (nothing drawn over it); a cell is on screen if it lies within the window's width.
MEASURE = """row => {
    const centre = el => {
        const box = el.getBoundingClientRect();
        return [box.left + box.width / 2, box.top + box.height / 2];
    };
    const isHit = el => el.contains(document.elementFromPoint(...centre(el)));
    const isOnScreen = el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
    };
    const cells = ["why", "author", "state", "submitted", "decide_buttons"].map(
        name => row.querySelector(".field-" + name)
    );
    return {
        approve: isHit(row.querySelector("button.decide-approve")),
        spam: isHit(row.querySelector("button.decide-spam")),
        approveCentre: centre(row.querySelector("button.decide-approve")),
        offScreen: cells.filter(cell => !isOnScreen(cell)).map(cell => cell.className),
        overflowing: cells
            .filter(cell => cell.scrollWidth > cell.clientWidth)
            .map(cell => cell.className),
    };
}"""

# Down to a row, never sideways: a button must be found where the page first put it.
SCROLL_DOWN_TO = "row => window.scrollTo(0, window.scrollY + row.getBoundingClientRect().top)"


def open_queue(page, live_server, width, height):
    """Open the queue at width×height with the admin's navigation sidebar open (the admin
    remembers it per browser; a moderator who keeps it open has the least room)."""
    page.set_viewport_size({"width": width, "height": height})
    page.context.add_init_script("localStorage.setItem('django.admin.navSidebarIsOpen', 'true')")
    log_in(page, live_server)


@pytest.fixture
def crowded_queue(article, active_model, settings):
    """Held comments of every shape a row must fit: short, long, unbroken URLs and addresses."""
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 0.0, "SPAM_THRESHOLD": 1.1}
    rows = [
        ("Olga", "olga@example.org", "Is this true? The agency said Tuesday, not Monday."),
        ("seo expert", LONG_EMAIL, f"Buy cheap viagra online at {LONG_URL} " + "best prices " * 40),
        ("Marek", "marek@example.org", "Good summary of the trade talks, thank you. " * 12),
        ("Unbroken" * 8, "u@example.org", "See " + "y" * 300),
    ]
    return [
        submit_comment(
            article, author_name=name, author_email=email, content=text, ip_address="203.0.113.9"
        ).comment
        for name, email, text in rows
    ]


@pytest.mark.parametrize("viewport", [(1280, 800), (1920, 1080)])
def test_every_row_shows_what_a_moderator_needs_to_decide_without_scrolling_sideways(
    live_server, page, moderator, crowded_queue, screenshot, viewport
):
    width, height = viewport
    open_queue(page, live_server, width, height)
    screenshot(f"queue-{width}x{height}")

    rows = page.locator("#result_list tbody tr")
    measured = []
    for i in range(rows.count()):
        rows.nth(i).evaluate(SCROLL_DOWN_TO)
        measured.append(rows.nth(i).evaluate(MEASURE))
    page_width, sideways = page.evaluate(
        "[document.documentElement.scrollWidth, window.scrollX"
        " + document.querySelector('#changelist-form .results').scrollLeft]"
    )
    sidebar = page.locator("#nav-sidebar").bounding_box()

    assert page.locator("#main.shifted").count() == 1 and sidebar["width"] > 250  # sidebar open
    assert len(measured) == len(crowded_queue)
    assert all(row["approve"] and row["spam"] for row in measured), measured
    assert [row["offScreen"] for row in measured] == [[]] * len(measured)
    assert [row["overflowing"] for row in measured] == [[]] * len(measured)
    assert page_width <= width
    assert sideways == 0


def test_a_click_at_the_approve_buttons_centre_approves_the_comment(
    live_server, page, moderator, crowded_queue
):
    open_queue(page, live_server, 1280, 800)
    bot = crowded_queue[1]
    row = page.locator(f"#result_list tr:has(input[value='{bot.pk}'])")
    row.evaluate(SCROLL_DOWN_TO)
    x, y = row.evaluate(MEASURE)["approveCentre"]

    page.mouse.click(x, y)
    page.wait_for_selector(".messagelist li.success")

    bot.refresh_from_db()
    assert bot.status == Status.APPROVED
    assert (bot.history.last().action, bot.history.last().moderator) == (Action.APPROVED, moderator)
    assert row.locator(".status-label").inner_text() == "Approved"
