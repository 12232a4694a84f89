"""Fixtures of the install tests: a copy of the tree as a reader's checkout, and the wheel built
from it once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What a developer's or CI's tree holds besides the sources; none of it may reach the build
# (a stale build/ folder would put deleted modules into the wheel).
_NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    "node_modules",
    ".hypothesis",
    ".*_cache",
    "var",
    "artifacts",
)
TIMINGS: list[str] = []


def record_timing(what: str, started: float) -> None:
    TIMINGS.append(f"{what}: {time.monotonic() - started:.1f} s")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.write_sep("-", "install tests: timings")
        for line in TIMINGS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def only_in_the_sqlite_pass() -> None:
    """Skip when the suite runs again on PostgreSQL: these tests do not use its database."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass (the install tests use no suite database)")


@pytest.fixture(scope="session")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tree's sources, as a reader's checkout: `projects/hamlet` in the guide."""
    path = tmp_path_factory.mktemp("projects") / "hamlet"
    shutil.copytree(ROOT, path, ignore=_NOT_SOURCES)
    return path


@pytest.fixture(scope="session")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from pyproject.toml, as `pip wheel --no-deps` does in a checkout."""
    started = time.monotonic()
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    [built] = out.glob("*.whl")
    record_timing(f"built {built.name}", started)
    return built
