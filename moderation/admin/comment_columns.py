"""The review queue's columns and a comment page's read-only fields, as HTML for CommentAdmin:
why it was filed so, its author's record, its score band, and the decide and rule buttons."""

from __future__ import annotations

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moderation import why
from moderation.decisions import ACTION_FOR_NAME
from moderation.models import Action, Comment, RuleKind, Status
from moderation.rules import link_domains

# Each decision's button: what it does, its keyboard shortcut (queue.js), its text.
_BUTTONS = {
    Action.APPROVED: (gettext_lazy("Approve"), "a", gettext_lazy("Approve")),
    Action.MARKED_SPAM: (gettext_lazy("Mark as spam"), "s", gettext_lazy("Spam")),
    Action.MARKED_NOT_SPAM: (gettext_lazy("Mark as not spam"), "n", gettext_lazy("Not spam")),
    Action.REMOVED: (gettext_lazy("Remove"), "r", gettext_lazy("Remove")),
}
# The score band's words, by the verdict the comment was filed with.
_BANDS = {
    "ham": gettext_lazy("ham"),
    "pending": gettext_lazy("pending"),
    "spam": gettext_lazy("spam"),
    "unscored": gettext_lazy("unscored"),
}


class CommentColumns:
    """Display methods CommentAdmin names in list_display and readonly_fields."""

    @admin.display(description=gettext_lazy("Comment, and why it was filed so"))
    def why(self, comment: Comment) -> SafeString:
        return format_html(
            _('{}<div class="comment-target">on {}</div>'),
            why.why_html(comment, max_words=60) + self.in_reply_to(comment),
            self.target(comment),
        )

    def in_reply_to(self, comment: Comment) -> SafeString:
        """The comment this one answers (threads.py), as a line under its text; "" if none."""
        parent = comment.parent
        if parent is not None:
            text = _("in reply to %(author)s: %(excerpt)s") % {
                "author": parent.author_name,
                "excerpt": Truncator(" ".join(parent.content.split())).chars(100),
            }
        elif comment.parent_ref:  # Akismet's comment_parent: the client's own comment id
            text = _("in reply to the client site's comment %(id)s") % {"id": comment.parent_ref}
        elif comment.depth > 1:
            text = _("in reply to a comment since deleted")
        else:
            return SafeString("")
        return format_html('<div class="comment-parent">{}</div>', text)

    @admin.display(description=gettext_lazy("Status and score"), ordering="status")
    def state(self, comment: Comment) -> SafeString:
        return format_html(
            '<span class="status-label">{}</span><br>{}',
            comment.get_status_display(),
            self.score(comment),
        )

    @admin.display(description=gettext_lazy("Why"))
    def full_why(self, comment: Comment) -> SafeString:
        return why.why_html(comment)

    @admin.display(description=gettext_lazy("Author"), ordering="author_name")
    def author(self, comment: Comment) -> SafeString:
        lines = [format_html("{}", comment.author_name)]
        if comment.author_email:
            lines.append(format_html("<small>{}</small>", comment.author_email))
        if comment.ip_address:
            lines.append(format_html("<small>{}</small>", comment.ip_address))
        first_seen = getattr(comment, "author_first_seen", None)
        if comment.author_email and first_seen is not None:
            lines.append(
                format_html(
                    _(
                        '<small class="author-record"><a href="?{}" title="All comments by '
                        'this email">{} approved · {} spam</a> · since {}</small>'
                    ),
                    urlencode({"q": comment.author_email}),
                    getattr(comment, "author_approved", None) or 0,
                    getattr(comment, "author_spam", None) or 0,
                    date_format(localtime(first_seen), "SHORT_DATE_FORMAT"),
                )
            )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description=gettext_lazy("Posted"), ordering="submitted_at")
    def submitted(self, comment: Comment) -> str:
        return date_format(localtime(comment.submitted_at), "j M, H:i")

    @admin.display(description=gettext_lazy("On"))
    def target(self, comment: Comment) -> SafeString:
        obj = comment.content_object
        url = getattr(obj, "get_absolute_url", None)
        if obj is None:
            shown = format_html("{}", _("(deleted)"))
        elif url is None:  # a client site's key: its comments live on the client's pages
            shown = format_html("{}", obj)
        else:
            shown = format_html('<a href="{}">{}</a>', self.page_link(comment, url()), obj)
        # A client's permalink is untrusted: only http(s) becomes a link (never javascript:).
        if comment.permalink.startswith(("http://", "https://")) and url is None:
            shown += format_html(
                _(' · <a href="{}" rel="noopener noreferrer">page</a>'), comment.permalink
            )
        return shown

    def page_link(self, comment: Comment, object_url: str) -> str:
        """The object's page; a published comment of ours at its anchor, found on its page of
        comments by moderation.urls' comment_link when clicked (no query per row here)."""
        if comment.status != Status.APPROVED or comment.origin_type_id is not None:
            return object_url
        try:
            return reverse("moderation:comment_link", args=[comment.pk])
        except NoReverseMatch:  # moderation.urls not included: the newest page's anchor
            return f"{object_url}#comment-{comment.pk}"

    @admin.display(description=gettext_lazy("The site's own row"))
    def origin_row(self, comment: Comment) -> SafeString | str:
        """The row of the site's comment model this one moderates (moderation.adapters)."""
        obj = comment.origin
        if obj is None:
            return "–"
        meta = obj._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        except NoReverseMatch:  # its model is not in the admin
            return format_html("{} #{}", meta.verbose_name, obj.pk)
        return format_html('<a href="{}">{} #{}</a>', url, meta.verbose_name, obj.pk)

    @admin.display(description=gettext_lazy("Spam score"), ordering="spam_score")
    def score(self, comment: Comment) -> SafeString:
        # The band is the verdict when the comment was filed: the classifier's, or a rule's.
        band = comment.verdict or "unscored"
        shown = "–" if comment.spam_score is None else f"{comment.spam_score:.2f}"
        # Campaign memory, not the score, decided it: the score alone would contradict the band.
        memory = _(", near-duplicate") if comment.matched_label_id is not None else ""
        return format_html(
            '<span class="score score-{}">{} {}{}</span>', band, shown, _BANDS[band], memory
        )

    @admin.display(description=gettext_lazy("Decide"))
    def decide_buttons(self, comment: Comment) -> SafeString:
        url = reverse("admin:moderation_decide", args=[comment.pk])
        buttons = []
        for name, action in ACTION_FOR_NAME.items():
            does, key, text = _BUTTONS[action]
            title = _("%(does)s (key %(key)s)") % {"does": does, "key": key}
            buttons.append((name, url, name, title, text))
        return format_html_join(
            "",
            '<button type="submit" class="decide decide-{}" formaction="{}" name="decision" '
            'value="{}" title="{}">{}</button>',
            buttons,
        )

    @admin.display(description=gettext_lazy("Add a rule from this comment"))
    def rule_buttons(self, comment: Comment) -> SafeString:
        url = reverse("admin:moderation_add_rule", args=[comment.pk])
        email = comment.author_email.casefold()
        offers = []
        if email:
            offers += [(RuleKind.ALLOW_EMAIL, email), (RuleKind.BLOCK_EMAIL, email)]
            offers.append((RuleKind.BLOCK_EMAIL_DOMAIN, email.rpartition("@")[2]))
        if comment.ip_address:
            offers.append((RuleKind.BLOCK_IP, comment.ip_address))
        offers += [(RuleKind.BLOCK_LINK_DOMAIN, d) for d in link_domains(comment)]
        if not offers:
            return format_html("{}", _("No email, IP address or link to make a rule from."))
        return format_html_join(
            " ",
            '<button type="submit" class="add-rule" formaction="{}" name="rule" value="{}:{}">'
            "{} {}</button>",
            ((url, kind, value, RuleKind(kind).label, value) for kind, value in offers),
        )
