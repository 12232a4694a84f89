"""Rules: a moderator's allow or block by email, IP address or linked domain."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    ALLOW_EMAIL = "allow_email", _("Always allow author email")
    BLOCK_EMAIL = "block_email", _("Block author email")
    BLOCK_EMAIL_DOMAIN = "block_email_domain", _("Block email domain")
    BLOCK_IP = "block_ip", _("Block IP address")
    BLOCK_LINK_DOMAIN = "block_link_domain", _("Block link domain")


class Rule(models.Model):
    """A moderator's standing decision about an author or source, applied before the classifier."""

    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind)
    value = models.CharField(
        _("value"),
        max_length=254,
        help_text=_("An email, a domain (subdomains match too) or an IP address."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="moderation_unique_rule")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def is_block(self) -> bool:
        return self.kind != RuleKind.ALLOW_EMAIL
