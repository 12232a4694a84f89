"""The documented production settings pass Django's deployment checks and take secrets only
from the environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "site_demo.settings_production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="news.example.com",
        DEMO_VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", DJANGO_ALLOWED_HOSTS="news.example.com", DEMO_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable for production." in result.stderr


def test_production_takes_the_trusted_proxies_from_the_environment(tmp_path):
    result = manage(
        "check",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="news.example.com",
        DJANGO_TRUSTED_PROXIES="127.0.0.1, nginx",
        DEMO_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert (
        "(moderation.E010) MODERATION['TRUSTED_PROXIES'] holds 'nginx', which is not an IP "
        "address or network" in result.stderr
    )
    assert "System check identified 1 issue" in result.stderr
