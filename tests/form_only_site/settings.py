"""Settings of a form-only site: the demo's articles, Hamlet, django-contrib-comments and the
admin; no rest_framework or drf_spectacular. Its files go under FORM_ONLY_SITE_DIR."""

from __future__ import annotations

import os
from pathlib import Path

FILES = Path(os.environ["FORM_ONLY_SITE_DIR"])

SECRET_KEY = "form-only-test-site-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_comments",
    "moderation",
    "moderation.contrib.django_comments",
    "site_demo.articles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "tests.form_only_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parents[2] / "site_demo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": FILES / "db.sqlite3"}}
# Not the per-process memory cache, which check moderation.E011 refuses under --deploy.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": FILES / "cache",
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
SITE_ID = 1
STATIC_URL = "static/"
STATIC_ROOT = FILES / "static"
MEDIA_ROOT = FILES / "media"
MODERATION = {"MIN_SUBMIT_SECONDS": 0, "PRIVACY_URL": "/privacy/"}
