"""Run Python code in a fresh process of the test settings and read what it printed last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_django(
    code: str, timeout: int = 300, **environment: str
) -> tuple[object, subprocess.CompletedProcess[str]]:
    """Run `code` in a new Python process with tests.settings and `environment` added to this
    one's, assert it succeeded, and return its last output line read as JSON, and the process."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **environment}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1]), result
