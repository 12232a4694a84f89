"""Let an article's comments be closed by hand (Hamlet's policy for articles, apps.py)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="comments_enabled",
            field=models.BooleanField(
                default=True, help_text="Untick to close comments on this article."
            ),
        ),
    ]
