"""Create the Article table of the demo news site."""

from __future__ import annotations

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Article",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=200, unique=True)),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("World", "World"),
                            ("City", "City"),
                            ("Business", "Business"),
                            ("Science", "Science"),
                            ("Culture", "Culture"),
                        ],
                        default="World",
                        max_length=40,
                    ),
                ),
                (
                    "standfirst",
                    models.TextField(
                        help_text="The one- or two-sentence summary under the headline."
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="Plain text; separate paragraphs with a blank line."
                    ),
                ),
                ("author_name", models.CharField(max_length=100)),
                (
                    "published_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
            options={
                "ordering": ["-published_at", "-pk"],
            },
        ),
    ]
