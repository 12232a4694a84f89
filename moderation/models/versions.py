"""Model versions: the registry's rows, one per trained model file."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """A trained model file on disk, its checksum, and whether it scores new comments."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    path = models.CharField(_("path"), max_length=500, help_text=_("Folder holding model.joblib."))
    # Where every server finds the files (MODERATION["MODEL_STORAGE"]); empty: only `path`.
    storage_name = models.CharField(_("storage name"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    card = models.JSONField(_("model card"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="moderation_one_active_model",
            )
        ]

    def __str__(self) -> str:
        if self.is_active:
            return gettext("%(version)s (active)") % {"version": self.version}
        return self.version
