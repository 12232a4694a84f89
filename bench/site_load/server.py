"""The server under load: gunicorn serving site_demo on loopback with `gunicorn_conf` (or the
shipped gunicorn.conf.py)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .measurement import child_pids, process_cpu
from .scenarios import REPO_ROOT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CONFIG = Path(__file__).with_name("gunicorn_conf.py")
# --gunicorn-config: the benchmark's own (the default, which keeps figures comparable) or the
# one deploy/ and docs/deployment.md ship, preloading the model in the master.
CONFIGS = {"bench": CONFIG, "production": REPO_ROOT / "gunicorn.conf.py"}
WSGI_APP = "site_demo.wsgi:application"


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """gunicorn serving site_demo.wsgi on loopback, its output in a log file."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        workers: int,
        worker_class: str,
        threads: int,
        config: Path = CONFIG,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.workers = workers
        command = [
            GUNICORN,
            WSGI_APP,
            f"--config={config}",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait until the site answers and every worker has finished loading (is idle)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        # A worker accepts requests only once it has imported the app and loaded the model;
        # wait until all of them exist and sit idle, so no measurement waits on a start-up.
        while time.monotonic() < deadline:
            workers = child_pids(self.process.pid)
            before = [process_cpu(p) for p in workers]
            time.sleep(0.5)
            after = [process_cpu(p) for p in workers]
            if len(workers) == self.workers and all(
                b - a < 0.05 for a, b in zip(before, after, strict=True)
            ):
                return
        raise RuntimeError(f"gunicorn did not become ready in {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        """Stop gunicorn gracefully (workers finish and exit); kill it after 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
