from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from moderation.models import Action, Comment, Status
from moderation.submission import submit_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.browser


def test_moderator_approves_a_held_comment_from_the_queue(
    live_server, page, article, moderator, active_model, settings, screenshot
):
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 0.0}  # hold everything
    held = submit_comment(
        article, author_name="Olga", author_email="olga@example.org", content="Is this true?"
    ).comment
    log_in(page, live_server)

    page.check(f"input[name=_selected_action][value='{held.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")

    assert "Approved: 1 comment." in page.inner_text(".messagelist")
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    assert held.history.last().action == Action.APPROVED
    assert held.history.last().moderator == moderator
    assert Comment.objects.filter(status=Status.PENDING).count() == 0


QUEUE = "/admin/moderation/comment/"


def log_in(page, live_server, next_url=QUEUE):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "a-long-pass-9")
    page.click("input[type=submit]")
    # The bare queue goes on to the Pending tab while anything waits: wait for the page, not
    # for the exact address.
    page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(next_url).path)
    page.wait_for_load_state()  # the queue's script is listening from here on
    assert not moderator_is_superuser()


def moderator_is_superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="moderator").is_superuser


@pytest.fixture
def held_queue(article, active_model, settings):
    """Three held comments, oldest first, one of them obvious spam."""
    settings.MODERATION = {**settings.MODERATION, "HAM_THRESHOLD": 0.0, "SPAM_THRESHOLD": 1.1}
    texts = [
        ("Olga", "Is this true? The article says Monday but the agency said Tuesday."),
        ("seo expert", "Buy cheap viagra online at http://cheap-pills.example.com best prices"),
        ("Marek", "Good summary of the trade talks, thank you."),
    ]
    return [
        submit_comment(
            article, author_name=name, author_email=f"{i}@example.org", content=text
        ).comment
        for i, (name, text) in enumerate(texts)
    ]


def test_moderator_works_the_queue_with_one_click_buttons(
    live_server, page, moderator, held_queue, screenshot
):
    olga, bot, marek = held_queue
    log_in(page, live_server)
    assert page.inner_text(".queue-tabs a[data-status=pending] .count") == "3"
    assert page.locator("#result_list mark.why-spam").count() > 0
    screenshot("review-queue")

    page.click(f"#result_list tr:has(input[value='{bot.pk}']) button.decide-spam")
    page.wait_for_selector(".messagelist li.success")

    assert page.inner_text(".queue-tabs a[data-status=pending] .count") == "2"
    assert page.inner_text(".queue-tabs a[data-status=spam] .count") == "1"
    bot.refresh_from_db()
    assert bot.status == Status.SPAM
    decision = bot.history.last()
    assert (decision.action, decision.moderator) == (Action.MARKED_SPAM, moderator)
    assert decision.spam_score == bot.spam_score
    assert Comment.objects.get(pk=olga.pk).status == Status.PENDING


def test_moderator_works_the_queue_with_the_keyboard(
    live_server, page, moderator, held_queue, screenshot
):
    olga, bot, marek = held_queue
    log_in(page, live_server)

    page.keyboard.press("j")  # the first row: Olga
    page.keyboard.press("a")
    page.wait_for_selector("#result_list tr.decided")
    page.keyboard.press("s")  # the cursor moved on to the bot's comment
    page.wait_for_function("document.querySelectorAll('#result_list tr.decided').length == 2")
    page.keyboard.press("n")  # and on to Marek's
    page.wait_for_function("document.querySelectorAll('#result_list tr.decided').length == 3")
    screenshot("review-queue-after-keyboard")

    statuses = {c.pk: c.status for c in Comment.objects.all()}
    assert statuses == {olga.pk: Status.APPROVED, bot.pk: Status.SPAM, marek.pk: Status.APPROVED}
    actions = [c.history.last().action for c in (olga, bot, marek)]
    assert actions == [Action.APPROVED, Action.MARKED_SPAM, Action.MARKED_NOT_SPAM]
    assert page.inner_text(".queue-tabs a[data-status=pending] .count") == "0"


def test_show_why_on_a_published_comment_reveals_the_marked_words(
    live_server, page, moderator, article, active_model, screenshot
):
    published = submit_comment(
        article, author_name="Olga", content="Thanks for the clear explanation of the new rules."
    ).comment
    assert published.status == Status.APPROVED
    log_in(page, live_server)
    row = page.locator(f"#result_list tr:has(input[value='{published.pk}'])")
    marks = row.locator("mark.why")
    assert marks.count() > 0
    assert not marks.first.is_visible()
    assert row.locator(".why-plain").is_visible()

    row.locator(".why-toggle summary").click()
    screenshot("review-queue-show-why")

    assert marks.first.is_visible()
    assert not row.locator(".why-plain").is_visible()  # the marked text takes its place
    assert row.locator(".why-reasons").is_visible()


def test_keys_typed_into_the_search_box_decide_nothing(live_server, page, moderator, held_queue):
    log_in(page, live_server)

    page.keyboard.press("j")
    page.fill("#searchbar", "")
    page.focus("#searchbar")
    page.keyboard.type("as")

    assert page.input_value("#searchbar") == "as"
    assert not Comment.objects.exclude(status=Status.PENDING).exists()


def test_script_in_a_comment_never_runs_in_the_queue(
    live_server, page, moderator, article, active_model, screenshot
):
    hostile = "<script>window.pwned = 1; alert('x')</script><img src=x onerror=\"window.pwned=2\">"
    CommentFactory(
        content_object=article,
        status=Status.PENDING,
        author_name=hostile,
        author_email="x@example.org",
        content=f"{hostile} Buy cheap viagra at http://pills.example.com",
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server)
    page.click("#result_list .field-submitted a")
    page.wait_for_selector(".field-full_why")
    screenshot("comment-page")

    assert dialogs == []
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned" in page.inner_text(".field-content")
    page.go_back()
    assert "onerror" in page.inner_text("#result_list .field-author")
    assert page.evaluate("window.pwned") is None


def test_dashboard_shows_the_chart_to_a_moderator(
    live_server, page, moderator, held_queue, screenshot
):
    log_in(page, live_server)
    page.click("text=Dashboard")

    chart = page.get_by_role("img", name="Chart of comments per day")
    assert chart.bounding_box()["width"] > 600  # the page's width, not a thumbnail
    # Today's three held comments: one bar, as tall as the y axis (0 to 3).
    bar = chart.locator("rect")
    assert bar.count() == 1
    grid = chart.locator(".dashboard-chart-grid line")
    assert bar.bounding_box()["height"] == pytest.approx(
        grid.first.bounding_box()["y"] - grid.last.bounding_box()["y"], abs=1
    )
    assert page.locator(".dashboard-legend li").all_inner_texts() == [
        "Published",
        "Held for review",
        "Filed as spam",
        "False positives rescued by moderators",
    ]
    screenshot("dashboard")


@pytest.mark.parametrize("viewport", [(1366, 768), (1280, 720)])
def test_the_queue_names_the_report_a_near_duplicate_matched_and_it_fits_the_screen(
    live_server, browser, article, moderator, active_model, viewport
):
    from moderation import decisions
    from tests.browser.conftest import ARTIFACTS
    from tests.campaigns import variants

    reported = []
    for text in variants("supplement", 10, seed=1):
        comment = submit_comment(article, author_name="Bot", content=text).comment
        reported.append(comment.pk)
        decisions.mark_spam(comment, moderator)
    later = variants("supplement", 30, seed=2)[-1]
    near = submit_comment(article, author_name="Bot", content=later).comment
    assert near.status == Status.SPAM
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, live_server, f"{QUEUE}?status__exact=spam")

    row = page.locator(f"#result_list tr:has(input[value='{near.pk}'])")
    reason = row.locator(".reason-memory")
    text, state = reason.inner_text(), row.locator(".score").inner_text()
    box = reason.bounding_box()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    row.screenshot(path=str(ARTIFACTS / f"queue-memory-{width}x{height}.png"))
    reason.locator("a").click()
    page.wait_for_load_state()
    opened = page.url
    context.close()

    assert text.startswith("Near-duplicate of spam reported by moderator on ")
    assert state.endswith(" spam, near-duplicate")
    assert box["x"] + box["width"] <= width  # wrapped within the screen, not off its edge
    assert any(opened.endswith(f"{QUEUE}{pk}/change/") for pk in reported)


TAB_STYLE = "tab => [getComputedStyle(tab).backgroundColor, getComputedStyle(tab).fontWeight]"


def test_the_queue_opens_on_pending_while_comments_wait_and_all_is_a_click_away(
    live_server, page, moderator, held_queue, article
):
    CommentFactory(content_object=article, status=Status.APPROVED)
    log_in(page, live_server)

    assert page.url == f"{live_server.url}{QUEUE}?status__exact=pending"
    current = page.locator(".queue-tabs a[aria-current=page]")
    assert current.count() == 1 and current.get_attribute("data-status") == "pending"
    assert current.evaluate(TAB_STYLE) != page.locator(".queue-tabs a").last.evaluate(TAB_STYLE)
    assert current.evaluate(TAB_STYLE)[1] == "700"  # bold, on its own colour
    assert page.locator("#result_list tbody tr").count() == 3

    page.click(".queue-tabs a[data-status='']")
    page.wait_for_url(f"**{QUEUE}?status__isnull=False")

    current = page.locator(".queue-tabs a[aria-current=page]")
    assert current.count() == 1 and current.get_attribute("data-status") == ""
    assert page.locator("#result_list tbody tr").count() == 4


def test_the_queue_opens_on_all_when_nothing_waits(live_server, page, moderator, article):
    CommentFactory.create_batch(2, content_object=article, status=Status.APPROVED)

    log_in(page, live_server)

    assert page.url == f"{live_server.url}{QUEUE}"
    assert page.get_attribute(".queue-tabs a[aria-current=page]", "data-status") == ""
    assert page.locator("#result_list tbody tr").count() == 2
