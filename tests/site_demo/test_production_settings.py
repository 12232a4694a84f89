"""The documented production settings pass Django's deployment checks and take secrets only
from the environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_")
        and k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "site_demo.settings_production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path) -> dict[str, str]:
    """Every variable the production settings require (checks connect to neither server)."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "news.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DEMO_VAR_DIR": str(tmp_path),
    }


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without_a_required_variable(tmp_path, variable):
    env = production_env(tmp_path)
    del env[variable]

    result = manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {variable} environment variable for production." in result.stderr


def test_production_starts_without_a_celery_broker_and_runs_jobs_in_process(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from moderation.conf import get_settings; print(get_settings()['CELERY'])",
        **production_env(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_takes_the_trusted_proxies_from_the_environment(tmp_path):
    result = manage("check", DJANGO_TRUSTED_PROXIES="127.0.0.1, nginx", **production_env(tmp_path))

    assert result.returncode != 0
    assert (
        "(moderation.E010) MODERATION['TRUSTED_PROXIES'] holds 'nginx', which is not an IP "
        "address or network" in result.stderr
    )
    assert "System check identified 1 issue" in result.stderr
