"""Running it in production (issue 22): gunicorn with the shipped gunicorn.conf.py serving the
demo over a fresh SQLite site, its probes and summed metrics, workers sharing the model the
master loaded; and deploy/'s systemd units and nginx site, checked by systemd's and nginx's
own tools where they are installed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEPLOY = ROOT / "deploy"
STALE_METRICS_FILE = "counter_1.db"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site_env(tmp: Path) -> dict[str, str]:
    """The demo's settings over a SQLite file in `tmp`, as in production: DEBUG off."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "WEB_CONCURRENCY",
            "PROMETHEUS_MULTIPROC_DIR",
        )
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "site_demo.settings",
        "DJANGO_DEBUG": "0",
        "DEMO_VAR_DIR": str(tmp / "var"),
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


class Served:
    def __init__(self, process: subprocess.Popen[bytes], url: str, key: str, metrics: Path):
        self.process, self.url, self.key, self.metrics = process, url, key, metrics

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """gunicorn site_demo.wsgi -c gunicorn.conf.py, 2 workers, on a migrated demo site."""
    tmp = tmp_path_factory.mktemp("served")
    env = site_env(tmp)
    manage(env, "demo", "--no-serve")
    key = manage(env, "create_api_key", "--site", "deploy-test").strip().splitlines()[-1]
    # A file left by an earlier run, which gunicorn.conf.py must clear before the workers count.
    (tmp / "metrics").mkdir()
    (tmp / "metrics" / STALE_METRICS_FILE).write_bytes(b"\0" * 64)
    port = free_port()
    log = (tmp / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "site_demo.wsgi",
            f"--config={ROOT / 'gunicorn.conf.py'}",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
        ],
        cwd=ROOT,
        # As deploy/hamlet-web.service: the metrics folder is the web server's alone.
        env=env | {"PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics")},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Served(process, f"http://127.0.0.1:{port}", key, tmp / "metrics")
    try:
        deadline = time.monotonic() + 40
        while True:
            assert process.poll() is None, (tmp / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp / "gunicorn.log").read_text()[-3000:]
            try:
                if httpx.get(server.url + "/healthz", timeout=2).status_code == 200 and (
                    len(server.workers()) == 2
                ):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def comment_check(server: Served, text: str) -> str:
    answer = httpx.post(
        server.url + "/akismet/1.1/comment-check",
        data={
            "api_key": server.key,
            "blog": "https://news.example/",
            "user_ip": "198.51.100.7",
            "comment_type": "comment",
            "comment_author": "Reader",
            "comment_content": text,
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def akismet_checks_counted(server: Served) -> float:
    answer = httpx.get(server.url + "/metrics", timeout=10)
    assert answer.status_code == 200, answer.text[:500]
    return sum(
        sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
        if sample.name == "hamlet_comments_total" and sample.labels.get("channel") == "akismet"
    )


def test_probes_answer_through_gunicorn(served):
    live = httpx.get(served.url + "/healthz", timeout=10)
    ready = httpx.get(served.url + "/readyz", timeout=10)

    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    assert ready.json()["model_version"]


def test_metrics_count_every_check_whichever_worker_answered(served):
    before = akismet_checks_counted(served)

    answers = [comment_check(served, f"Thanks for article {n}, it was useful.") for n in range(8)]

    assert set(answers) <= {"true", "false"}
    assert akismet_checks_counted(served) - before == 8


def test_metrics_folder_was_emptied_at_start(served):
    assert not (served.metrics / STALE_METRICS_FILE).exists()
    assert any(served.metrics.glob("*.db"))  # the workers' own files


def test_workers_share_the_model_the_master_loaded(served):
    comment_check(served, "One more comment, so that every worker has served a request.")
    master = psutil.Process(served.process.pid)

    # The master imported scikit-learn (its compiled modules are mapped) and loaded the model.
    assert any("sklearn" in region.path for region in master.memory_maps())
    for worker in served.workers():
        memory = worker.memory_full_info()
        # Without preloading a worker's PSS is about 80 % of its RSS (nothing shared but the
        # libraries' code); forked from a loaded master, about a third.
        assert memory.pss < 0.5 * memory.rss, (worker.pid, memory)


def test_systemd_units_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    units = sorted((DEPLOY / "systemd").glob("hamlet-*"))
    # As installed, with this checkout in /srv/hamlet: systemd-analyze checks the commands exist.
    for unit in units:
        text = unit.read_text().replace("/srv/hamlet/.venv/bin", str(BIN))
        (tmp_path / unit.name).write_text(text.replace("/srv/hamlet", str(ROOT)))

    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit.name) for unit in units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert [unit.name for unit in units] == [
        "hamlet-beat.service",
        "hamlet-web.service",
        "hamlet-web.socket",
        "hamlet-worker.service",
    ]
    assert result.returncode == 0, result.stdout + result.stderr
    # Unknown keys are only warned about; any line naming one of our units is a mistake.
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "hamlet-" in line]
    assert problems == []


def test_nginx_site_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx (and openssl, for a test certificate) are not installed")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=news.example.com", "-keyout", "key.pem", "-out", "cert.pem"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    site = (DEPLOY / "nginx" / "hamlet.conf").read_text()
    site = re.sub(r"/etc/letsencrypt/live/[^;]*/fullchain\.pem", str(tmp_path / "cert.pem"), site)
    site = re.sub(r"/etc/letsencrypt/live/[^;]*/privkey\.pem", str(tmp_path / "key.pem"), site)
    (tmp_path / "hamlet.conf").write_text(site.replace("/var/log/nginx/", f"{tmp_path}/"))
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n{temp_paths}"
        f"    include {tmp_path}/hamlet.conf;\n}}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log")]
        + ["-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
