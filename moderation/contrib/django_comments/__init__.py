"""Hamlet for django-contrib-comments: add "moderation.contrib.django_comments" to INSTALLED_APPS
after "django_comments" and "moderation"."""
