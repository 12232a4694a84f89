"""API keys of client sites and their monthly usage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A client site's key to the REST and Akismet-compatible APIs. Only its hash is stored."""

    site = models.CharField(
        _("site"), max_length=100, help_text=_("The client site's name, shown in the queue.")
    )
    # The first characters of the key, to find its row without trying every hash.
    prefix = models.CharField(_("prefix"), max_length=4, db_index=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    allowed_hosts = models.TextField(
        _("allowed hosts"),
        blank=True,
        help_text=_(
            "One host per line (example.com also allows its subdomains). The blog URL a "
            "client sends must be on one of them. Empty: any host."
        ),
    )
    # Untrusted by default: a key is handed to another site's software, and its reports must
    # not decide for everyone (a leaked key, or one site's odd moderation). Trusted, they teach
    # the shared model and every site's campaign memory, as a moderator's decisions do.
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_(
            "Its submit-spam / submit-ham teach the shared model and campaign memory for "
            "every site. Untrusted, they count only for this key's own checks."
        ),
    )
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        help_text=_("Requests per period, such as 600/min; empty: MODERATION['API_RATE']."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["site", "pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.site

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiUsage(models.Model):
    """One key's calls and outcomes in one month: the usage counts and Akismet's key-sites."""

    api_key = models.ForeignKey(
        ApiKey, on_delete=models.CASCADE, related_name="usage", verbose_name=_("API key")
    )
    month = models.CharField(_("month"), max_length=7)  # YYYY-MM
    api_calls = models.PositiveBigIntegerField(_("API calls"), default=0)
    spam = models.PositiveBigIntegerField(_("spam"), default=0)
    ham = models.PositiveBigIntegerField(_("ham"), default=0)
    # submit-spam of a comment we passed; submit-ham of one we flagged.
    missed_spam = models.PositiveBigIntegerField(_("missed spam"), default=0)
    false_positives = models.PositiveBigIntegerField(_("false positives"), default=0)

    class Meta:
        verbose_name = _("monthly usage")
        verbose_name_plural = _("monthly usage")
        ordering = ["-month", "api_key"]
        constraints = [
            models.UniqueConstraint(fields=["api_key", "month"], name="moderation_usage_month")
        ]

    def __str__(self) -> str:
        return f"{self.api_key} {self.month}"
