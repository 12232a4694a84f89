"""Benchmark: the demo site under HTTP load, served by gunicorn on a fresh database.

Scenarios: Akismet comment-check with 32 and with 4 concurrent clients, and the comment form
(GET the article, POST the comment) with 32 clients. Reports requests/s, p50/p99 latency and
errors, then checks every accepted comment was stored exactly once.

Run from the repository root: `python bench/http_load.py [--database-url URL] [--duration 20]`.
Uses wrk (Debian: apt-get install -y wrk) when it is on PATH, else a Python load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pstats
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote_plus, urlsplit, urlunsplit

# `python bench/http_load.py` puts bench/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import numpy as np
from tqdm import tqdm

from moderation.corpora import SHIPPED_SOURCES, DatasetError, load_spec

REPO_ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WRK = "wrk"
TARGET_CHECK_RPS = 400.0  # comment-check requests/s with 32 clients
TARGET_P99_MS = 20.0  # comment-check p99 with 4 clients
REQUEST_TIMEOUT = 10.0  # seconds; a slower answer counts as a timeout
TEXT_SAMPLE = 2000
MAX_TEXT_CHARS = 2000  # the form allows 5000; corpora have a few very long texts
BENCH_RATE = "1000000/min"  # the benchmark key's own rate: measure the server, not the limit
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Scenario:
    name: str
    # "check": Akismet comment-check; "unscored": the same with user_role=administrator, Akismet's
    # test value that fixes the verdict without scoring; "form": GET the article, POST the form
    mode: str
    clients: int
    label: str
    default: bool = True  # run when --scenarios is not given


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("check32", "check", 32, "comment-check, 32 clients"),
        Scenario("check4", "check", 4, "comment-check, 4 clients"),
        Scenario("form32", "form", 32, "comment form: GET page + POST, 32 clients"),
        Scenario("unscored32", "unscored", 32, "comment-check, no scoring, 32 clients", False),
        Scenario("unscored4", "unscored", 4, "comment-check, no scoring, 4 clients", False),
    )
}


class Record(NamedTuple):
    """One response: its kind (check / page / post), the comment's tag, status, microseconds."""

    kind: str
    tag: str
    status: int  # 0: no response (timeout or connection error)
    micros: int


# Children run with the benchmark's environment (settings module, database, cache).
_SETUP_CHILD = """
import io, json, sys, django
django.setup()
from django.core.management import call_command
from django.db import connection
from moderation.models import ApiKey
from site_demo.articles.models import Article
call_command("demo", no_serve=True, stdout=io.StringIO())
out = io.StringIO()
call_command("create_api_key", site="bench", stdout=out)
ApiKey.objects.filter(site="bench").update(rate_limit=sys.argv[1])
with connection.cursor() as cursor:
    is_sqlite = connection.vendor == "sqlite"
    cursor.execute("select sqlite_version()" if is_sqlite else "show server_version")
    version = cursor.fetchone()[0]
print(json.dumps({
    "key": out.getvalue().strip().splitlines()[-1],
    "articles": [a.get_absolute_url() for a in Article.objects.all()],
    "database": ("SQLite " if is_sqlite else "PostgreSQL ") + version,
}))
"""

_COUNT_CHILD = """
import json, sys, django
django.setup()
from django.db.models import Sum
from moderation.models import ApiUsage, Comment
rows = Comment.objects.filter(content__startswith=sys.argv[1]).values_list("content", flat=True)
print(json.dumps({
    "tags": [content.split(" ", 1)[0] for content in rows],
    "comments": Comment.objects.count(),
    "api_calls": ApiUsage.objects.aggregate(n=Sum("api_calls"))["n"] or 0,
}))
"""

# gunicorn config for --profile: cProfile around each worker's handle_request (parsing, the
# Django app, writing the response and request_finished), dumped when the worker exits. It
# counts CPU time, so other work on the machine and waits (fsync, locks) do not inflate it.
_PROFILE_CONFIG = """
import cProfile, os, time
_profiler = cProfile.Profile(time.process_time)

def post_worker_init(worker):
    handle = worker.handle_request

    def handle_request(*args, **kwargs):
        _profiler.enable()
        try:
            return handle(*args, **kwargs)
        finally:
            _profiler.disable()

    worker.handle_request = handle_request

def worker_exit(server, worker):
    _profiler.dump_stats(os.path.join(os.environ["HAMLET_PROFILE_DIR"], f"{os.getpid()}.prof"))
"""

# wrk script: one connection per thread, so a thread's responses come in the order of its
# requests. Each response is logged as "kind tag status microseconds" (LuaJIT's FFI clock).
_WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } hamlet_timespec;
int clock_gettime(int clock_id, hamlet_timespec *tp);
]]
local clock = ffi.new("hamlet_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end
local form_type = "application/x-www-form-urlencoded"

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  mode, prefix, key = os.getenv("HAMLET_MODE"), os.getenv("HAMLET_PREFIX"), os.getenv("HAMLET_KEY")
  texts = {}
  for line in io.lines(os.getenv("HAMLET_TEXTS")) do texts[#texts + 1] = line end
  local articles = {}
  for path in string.gmatch(os.getenv("HAMLET_ARTICLES"), "[^,]+") do
    articles[#articles + 1] = path
  end
  article = articles[(tid - 1) % #articles + 1]
  log = io.open(os.getenv("HAMLET_LOGS") .. "/thread-" .. tid .. ".log", "w")
  log:setvbuf("line")  -- wrk never closes a thread's Lua state, so nothing may wait in a buffer
  seq, state, kind, tag, started = 0, "page", "", "-", 0
end

local function text()
  return texts[(tid * 7919 + seq) % #texts + 1]
end

function request()
  started = now_us()
  if mode == "check" or mode == "unscored" then
    seq = seq + 1
    kind, tag = mode, prefix .. "-" .. tid .. "-" .. seq
    local body = "api_key=" .. key .. "&blog=http%3A%2F%2Fbench.example%2F"
      .. "&user_ip=10.1." .. tid .. "." .. (seq % 250 + 1) .. "&user_agent=wrk"
      .. "&comment_type=comment&comment_author=Reader+" .. tid
      .. "&comment_content=" .. tag .. "+" .. text()
    if mode == "unscored" then body = body .. "&user_role=administrator" end
    return wrk.format("POST", "/akismet/1.1/comment-check", {["Content-Type"] = form_type}, body)
  end
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if state == "page" then
    kind, tag = "page", "-"
    return wrk.format("GET", article, headers)
  end
  seq = seq + 1
  kind, tag = "post", prefix .. "-" .. tid .. "-" .. seq
  headers["Content-Type"] = form_type
  local body = "csrfmiddlewaretoken=" .. csrf .. "&token=" .. token .. "&next=" .. article
    .. "&name=Reader+" .. tid .. "&email=reader" .. tid .. "%40example.com&website="
    .. "&comment=" .. tag .. "+" .. text() .. "&website_confirm="
  return wrk.format("POST", "/comments/post/", headers, body)
end

function response(status, headers, body)
  log:write(kind, " ", tag, " ", status, " ", string.format("%d", now_us() - started), "\n")
  if mode ~= "form" then return end
  if kind == "page" and status == 200 then
    local set_cookie = headers["Set-Cookie"]
    local value = set_cookie and set_cookie:match("csrftoken=([^;]+)")
    if value then cookie = "csrftoken=" .. value end
    csrf = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    token = body:match('name="token" value="([^"]+)"')
    if cookie and csrf and token then
      token = token:gsub(":", "%%3A")
      state = "post"
    end
  elseif kind == "post" then
    state = "page"
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'HAMLET_JSON {"duration_us": %d, "requests": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d}\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
end
"""

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


# Comments to send ---------------------------------------------------------------------------


def sample_texts(count: int = TEXT_SAMPLE, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return `count` real comment texts (spam and ham) from the shipped corpora that load."""
    pool: list[str] = []
    kinds = []
    for kind in SHIPPED_SOURCES:
        try:
            pool += [c.content for c in load_spec(kind).comments]
        except DatasetError:
            continue  # a missing corpus only narrows the sample
        kinds.append(kind)
    texts = [" ".join(t.split())[:MAX_TEXT_CHARS] for t in pool]
    texts = [t for t in texts if t]
    if not texts:  # no corpora here: a fixed pair still exercises every path
        texts, kinds = ["Thanks, a useful article.", "Cheap pills at example.com!"], ["built-in"]
    return random.Random(seed).choices(texts, k=count), kinds


# Processes and CPU time ---------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    # The command name may hold spaces; the fields after it are fixed.
    raw = Path(f"/proc/{pid}/stat").read_text()
    return [raw[: raw.rindex(")")].split("(", 1)[1], *raw[raw.rindex(")") + 2 :].split()]


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) process `pid` has used, 0 if it is gone."""
    try:
        fields = _stat_fields(pid)
    except (OSError, ValueError):
        return 0.0
    return (int(fields[12]) + int(fields[13])) / CLK_TCK


def child_pids(parent: int) -> list[int]:
    """Return the pids whose parent is `parent`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(_stat_fields(int(entry.name))[2]) == parent:
                    pids.append(int(entry.name))
    return pids


def machine_busy() -> tuple[float, float]:
    """Return (busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


class CpuMeter:
    """CPU seconds used while it runs: by the server, the load generator and everything else."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def _server(self) -> float:
        return sum(process_cpu(p) for p in [self.server_pid, *child_pids(self.server_pid)])

    def _generator(self) -> float:
        # This process (the Python generator) and its waited-for children (wrk).
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system

    def __enter__(self) -> CpuMeter:
        self.start = (self._server(), self._generator(), *machine_busy(), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        server, generator, busy, total, wall = self.start
        self.server = self._server() - server
        self.generator = self._generator() - generator
        self.busy = machine_busy()[0] - busy
        self.capacity = machine_busy()[1] - total
        self.wall = time.perf_counter() - wall


# The server -----------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_postgres(url: str, *, keep: bool) -> Iterator[str]:
    """Create an empty database beside the one `url` names; yield its URL; drop it after."""
    import psycopg

    name = f"hamlet_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        if not keep:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(code: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run Python `code` with Django set up in the benchmark's environment; return its JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"a set-up step failed:\n{result.stderr.strip()}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """gunicorn serving site_demo.wsgi on loopback, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path, args: argparse.Namespace) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.workers = args.workers
        command = [
            GUNICORN,
            "site_demo.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            f"--threads={args.threads}",
            "--timeout=60",
        ]
        if args.profile:
            config = log.with_name("gunicorn_profile.py")
            config.write_text(_PROFILE_CONFIG)
            command.append(f"--config={config}")
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
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish and exit
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# Load generators ------------------------------------------------------------------------------


def _tick(progress: tqdm) -> None:
    if progress.n < (progress.total or 0):  # start-up and the last partial second overshoot it
        progress.update(1)


@dataclass
class LoadRun:
    records: list[Record]
    seconds: float
    socket_errors: dict[str, int]  # connect / read / write / timeout, as the generator saw them


def run_wrk(
    scenario: Scenario, prefix: str, duration: float, ctx: dict[str, Any], progress: tqdm
) -> LoadRun:
    """Run wrk with one thread and one connection per client; return its logged responses."""
    logs = Path(tempfile.mkdtemp(prefix="wrk-", dir=ctx["tmp"]))
    env = {
        **os.environ,
        "HAMLET_MODE": scenario.mode,
        "HAMLET_PREFIX": prefix,
        "HAMLET_KEY": ctx["key"],
        "HAMLET_TEXTS": str(ctx["texts_file"]),
        "HAMLET_ARTICLES": ",".join(ctx["articles"]),
        "HAMLET_LOGS": str(logs),
    }
    command = [
        WRK,
        f"--threads={scenario.clients}",
        f"--connections={scenario.clients}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={REQUEST_TIMEOUT:.0f}s",
        f"--script={ctx['wrk_script']}",
        ctx["url"],
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    while process.poll() is None:
        time.sleep(1)
        _tick(progress)
    output = process.stdout.read() if process.stdout else ""
    line = next((ln for ln in output.splitlines() if ln.startswith("HAMLET_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    summary = json.loads(line.removeprefix("HAMLET_JSON "))
    records = []
    for path in logs.glob("thread-*.log"):
        for row in path.read_text().splitlines():
            kind, tag, status, micros = row.split()
            records.append(Record(kind, tag, int(status), int(micros)))
    return LoadRun(
        records,
        summary["duration_us"] / 1e6,
        {name: summary[name] for name in ("connect", "read", "write", "timeout")},
    )


async def _python_client(
    scenario: Scenario,
    prefix: str,
    tid: int,
    deadline: float,
    ctx: dict[str, Any],
    records: list[Record],
    errors: Counter[str],
) -> None:
    texts: list[str] = ctx["texts"]
    article = ctx["articles"][(tid - 1) % len(ctx["articles"])]
    loop = asyncio.get_running_loop()
    # One client (cookie jar, connection) per simulated reader.
    async with httpx.AsyncClient(base_url=ctx["url"], timeout=REQUEST_TIMEOUT) as client:
        seq = 0
        while loop.time() < deadline:
            seq += 1
            tag = f"{prefix}-{tid}-{seq}"
            text = texts[(tid * 7919 + seq) % len(texts)]
            try:
                if scenario.mode in ("check", "unscored"):
                    data = {
                        "api_key": ctx["key"],
                        "blog": "http://bench.example/",
                        "user_ip": f"10.1.{tid}.{seq % 250 + 1}",
                        "user_agent": "httpx",
                        "comment_type": "comment",
                        "comment_author": f"Reader {tid}",
                        "comment_content": f"{tag} {text}",
                    }
                    if scenario.mode == "unscored":
                        data["user_role"] = "administrator"
                    started = time.perf_counter()
                    response = await client.post("/akismet/1.1/comment-check", data=data)
                    records.append(_record(scenario.mode, tag, response.status_code, started))
                    continue
                started = time.perf_counter()
                page = await client.get(article)
                records.append(_record("page", "-", page.status_code, started))
                csrf, token = _CSRF.search(page.text), _TOKEN.search(page.text)
                if page.status_code != 200 or csrf is None or token is None:
                    continue
                form = {
                    "csrfmiddlewaretoken": csrf.group(1),
                    "token": token.group(1),
                    "next": article,
                    "name": f"Reader {tid}",
                    "email": f"reader{tid}@example.com",
                    "website": "",
                    "comment": f"{tag} {text}",
                    "website_confirm": "",
                }
                started = time.perf_counter()
                response = await client.post("/comments/post/", data=form)
                records.append(_record("post", tag, response.status_code, started))
            except httpx.TimeoutException:
                errors["timeout"] += 1
            except httpx.HTTPError:
                errors["connect"] += 1


def _record(kind: str, tag: str, status: int, started: float) -> Record:
    return Record(kind, tag, status, round((time.perf_counter() - started) * 1e6))


def run_python(
    scenario: Scenario, prefix: str, duration: float, ctx: dict[str, Any], progress: tqdm
) -> LoadRun:
    """Run `scenario.clients` asyncio clients (httpx) for `duration` seconds."""
    records: list[Record] = []
    errors: Counter[str] = Counter()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + duration

        async def tick() -> None:
            while loop.time() < deadline:
                await asyncio.sleep(1)
                _tick(progress)

        clients = [
            _python_client(scenario, prefix, tid, deadline, ctx, records, errors)
            for tid in range(1, scenario.clients + 1)
        ]
        await asyncio.gather(tick(), *clients)
        return loop.time() - started

    seconds = asyncio.run(main())
    return LoadRun(records, seconds, {name: errors[name] for name in ("connect", "timeout")})


# One scenario ---------------------------------------------------------------------------------


def latency(records: Sequence[Record]) -> dict[str, float]:
    ms = np.array([r.micros for r in records if r.status]) / 1000
    if not len(ms):
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "over_1s": int((ms >= 1000).sum()),  # Akismet clients give up after 1 s
    }


def run_scenario(
    scenario: Scenario, ctx: dict[str, Any], server: Server, args: argparse.Namespace
) -> dict[str, Any]:
    """Warm up, load the server for --duration seconds, then count what was stored."""
    generate = run_wrk if ctx["generator"] == "wrk" else run_python
    with tqdm(total=round(args.warmup + args.duration), desc=scenario.label, unit="s") as bar:
        if args.warmup > 0:
            generate(scenario, f"warm{scenario.name}", args.warmup, ctx, bar)
        time.sleep(1)  # let the warm-up's last requests finish
        before = run_child(_COUNT_CHILD, ctx["env"], f"bench-{scenario.name}-")
        log_start = server.log.stat().st_size
        with CpuMeter(server.process.pid) as cpu:
            run = generate(scenario, f"bench-{scenario.name}", args.duration, ctx, bar)
    time.sleep(1)  # requests in flight when the generator stopped finish on the server
    after = run_child(_COUNT_CHILD, ctx["env"], f"bench-{scenario.name}-")
    with server.log.open("rb") as log:
        log.seek(log_start)
        server_log = log.read().decode(errors="replace")

    accepted_status = 302 if scenario.mode == "form" else 200
    comment_kind = "post" if scenario.mode == "form" else scenario.mode
    statuses = Counter(f"{r.kind} {r.status}" for r in run.records)
    accepted = {
        r.tag for r in run.records if r.kind == comment_kind and r.status == accepted_status
    }
    stored = Counter(after["tags"])
    responses = len([r for r in run.records if r.status])
    bad_status = sum(1 for r in run.records if r.status and not 200 <= r.status < 400)
    # A comment-bearing request answered with a 2xx/3xx other than the expected one is an
    # error too (a 200 error page for the form, say).
    wrong_answer = sum(
        1
        for r in run.records
        if r.kind == comment_kind and 200 <= r.status < 400 and r.status != accepted_status
    )
    errors = {
        "status": bad_status,
        "wrong_answer": wrong_answer,
        **run.socket_errors,
        "database_locked": server_log.count("database is locked"),
        "tracebacks": server_log.count("Traceback"),
        "worker_timeouts": server_log.count("WORKER TIMEOUT"),
    }
    # The log counts are not added: each logged failure is already a 500 among the statuses.
    request_errors = bad_status + wrong_answer + sum(run.socket_errors.values())
    per_response = 1000 / max(responses, 1)  # seconds -> ms per response
    return {
        "scenario": scenario.name,
        "label": scenario.label,
        "clients": scenario.clients,
        "seconds": run.seconds,
        "responses": responses,
        "requests_per_second": responses / run.seconds,
        "comments_per_second": len(accepted) / run.seconds,
        "latency": {
            kind: latency([r for r in run.records if r.kind == kind])
            for kind in sorted({r.kind for r in run.records})
        },
        "statuses": dict(sorted(statuses.items())),
        "errors": errors,
        "request_errors": request_errors,
        "accepted": len(accepted),
        "stored": sum(stored.values()),
        "lost": len(accepted - set(stored)),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        # Stored but never answered with success: in flight when the generator stopped, or
        # answered with an error after the row was written.
        "stored_unacknowledged": len(set(stored) - accepted),
        "api_calls_counted": after["api_calls"] - before["api_calls"],
        "cpu": {
            "machine_busy": cpu.busy / cpu.capacity if cpu.capacity else 0.0,
            "server_ms_per_response": cpu.server * per_response,
            "generator_ms_per_response": cpu.generator * per_response,
            "other_ms_per_response": max(cpu.busy - cpu.server - cpu.generator, 0) * per_response,
        },
    }


# Profile --------------------------------------------------------------------------------------

# (label, file suffix, function): cumulative time inside each, per request. They nest.
BREAKDOWN = (
    ("whole request in the worker (gunicorn)", "gunicorn/workers/", "handle_request"),
    ("  Django handler (middleware + view)", "django/core/handlers/wsgi.py", "__call__"),
    ("    DRF APIView.dispatch", "rest_framework/views.py", "dispatch"),
    ("      DRF initial (parse, auth, throttle)", "rest_framework/views.py", "initial"),
    ("        find_key (SELECT ApiKey)", "moderation/api/keys.py", "find_key"),
    ("        ApiRateThrottle.allow_request", "moderation/api/throttling.py", "allow_request"),
    ("      check_comment", "moderation/api/akismet/comments.py", "check_comment"),
    ("    post_comment view", "moderation/views.py", "post_comment"),
    ("      CommentForm.is_valid", "django/forms/forms.py", "is_valid"),
    ("    article_detail view (page render)", "site_demo/articles/views.py", "article_detail"),
    ("        submit_comment", "moderation/submission.py", "submit_comment"),
    ("          Comment.full_clean", "django/db/models/base.py", "full_clean"),
    ("          rules.matching_rule", "moderation/rules.py", "matching_rule"),
    ("          score_comment", "moderation/classifier/scoring.py", "score_comment"),
    ("          _apply_verdict (UPDATE + INSERT)", "moderation/submission.py", "_apply_verdict"),
    ("        record_usage (usage UPDATE)", "moderation/api/keys.py", "record_usage"),
    ("all SQL statements (CursorWrapper._execute)", "django/db/backends/utils.py", "_execute"),
    ("transaction commits (atomic)", "django/db/backends/base/base.py", "commit"),
    ("database connect", "django/db/backends/base/base.py", "connect"),
    ("database close (request_finished)", "django/db/backends/base/base.py", "close"),
    ("template rendering", "django/template/backends/django.py", "render"),
)


def profile_summary(directory: Path, limit: int = 25) -> dict[str, Any]:
    """Merge the workers' cProfile dumps; return per-request times of BREAKDOWN and the top."""
    files = sorted(str(p) for p in directory.glob("*.prof"))
    if not files:
        return {"skipped": "no worker wrote a profile"}
    stats = pstats.Stats(*files)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    requests = sum(
        calls
        for (file, _, func), (_, calls, *_rest) in raw.items()
        if file.endswith("django/core/handlers/wsgi.py") and func == "__call__"
    )
    breakdown = []
    for label, suffix, function in BREAKDOWN:
        cumulative = sum(
            cumtime
            for (file, _, func), (_, _, _, cumtime, _) in raw.items()
            if suffix in file and func == function
        )
        calls = sum(
            ncalls
            for (file, _, func), (_, ncalls, _, _, _) in raw.items()
            if suffix in file and func == function
        )
        if calls:
            breakdown.append(
                {
                    "what": label,
                    "ms_per_request": 1000 * cumulative / max(requests, 1),
                    "calls_per_request": calls / max(requests, 1),
                }
            )
    top = []
    for (file, line, func), (_, calls, tottime, cumtime, _) in raw.items():
        where = file.split("site-packages/")[-1].replace(str(REPO_ROOT) + "/", "")
        top.append(
            {
                "function": f"{where}:{line}({func})",
                "calls_per_request": calls / max(requests, 1),
                "own_ms_per_request": 1000 * tottime / max(requests, 1),
                "cum_ms_per_request": 1000 * cumtime / max(requests, 1),
            }
        )
    top.sort(key=lambda row: -row["own_ms_per_request"])
    return {"requests": requests, "breakdown": breakdown, "top": top[:limit]}


# The whole run --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return {"cpu": model, "cores": os.cpu_count(), "load_average": os.getloadavg()}


def sqlite_commit_ms(directory: Path, commits: int = 30) -> dict[str, float]:
    """Return the median ms of one committed INSERT in SQLite on this disk: with the default
    rollback journal (fsync'd several times per commit) and in WAL with synchronous=NORMAL."""
    result = {}
    for mode, pragmas in (("journal", ()), ("wal", ("journal_mode=WAL", "synchronous=NORMAL"))):
        path = directory / f"commit-{mode}.sqlite3"
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            for pragma in pragmas:
                db.execute(f"PRAGMA {pragma}")
            db.execute("CREATE TABLE t (x INTEGER)")
            seconds = []
            for i in range(commits):
                started = time.perf_counter()
                db.execute("INSERT INTO t VALUES (?)", (i,))
                seconds.append(time.perf_counter() - started)
        result[mode] = 1000 * statistics.median(seconds)
    return result


def bench_env(tmp: Path, database_url: str | None, args: argparse.Namespace) -> dict[str, str]:
    """Return the environment of the server and the set-up children."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DATABASE_CONN_MAX_AGE", "CELERY_BROKER_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEMO_VAR_DIR": str(tmp / "var"),
        "PYTHONPATH": str(REPO_ROOT),
        "HAMLET_PROFILE_DIR": str(tmp / "profiles"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    if args.conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    if args.sqlite_wal:
        env["BENCH_SQLITE_WAL"] = "1"
    return env


def run(args: argparse.Namespace, generator: str) -> dict[str, Any]:
    """Set up a fresh site, serve it, run the scenarios, and return the report."""
    texts, kinds = sample_texts()
    tmp = Path(tempfile.mkdtemp(prefix="hamlet-http-"))
    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {**machine(), "sqlite_commit_ms": sqlite_commit_ms(tmp)},
        "generator": generator,
        "texts_from": kinds,
    }
    try:
        with contextlib.ExitStack() as stack:
            database_url = None
            if args.database_url:
                database_url = stack.enter_context(
                    fresh_postgres(args.database_url, keep=args.keep)
                )
            env = bench_env(tmp, database_url, args)
            (tmp / "profiles").mkdir()
            setup = run_child(_SETUP_CHILD, env, BENCH_RATE)
            texts_file = tmp / "texts.txt"
            texts_file.write_text("\n".join(quote_plus(t) for t in texts) + "\n")
            wrk_script = tmp / "load.lua"
            wrk_script.write_text(_WRK_SCRIPT)
            server = Server(env, tmp / "gunicorn.log", args)
            stack.callback(server.stop)
            server.wait_ready()
            report["server"] = {
                "database": setup["database"],
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads,
                "conn_max_age": "the demo's default"
                if args.conn_max_age is None
                else args.conn_max_age,
                "cache": "redis" if args.redis_url else "locmem (per worker)",
                "sqlite_wal": bool(args.sqlite_wal),
            }
            ctx = {
                "tmp": tmp,
                "env": env,
                "url": server.url,
                "key": setup["key"],
                "articles": setup["articles"],
                "texts": texts,
                "texts_file": texts_file,
                "wrk_script": wrk_script,
                "generator": generator,
            }
            report["scenarios"] = [
                run_scenario(SCENARIOS[name], ctx, server, args) for name in args.scenarios
            ]
            server.stop()  # workers dump their profiles as they exit
        if args.profile:
            report["profile"] = profile_summary(tmp / "profiles")
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return report


def targets(report: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """Return (target, measured, goal, met) for each target the scenarios run can judge."""
    by_name = {s["scenario"]: s for s in report["scenarios"]}
    rows = []
    if "check32" in by_name:
        rps = by_name["check32"]["requests_per_second"]
        goal = f"≥ {TARGET_CHECK_RPS:.0f} req/s"
        rows.append(
            ("comment-check, 32 clients", f"{rps:.0f} req/s", goal, rps >= TARGET_CHECK_RPS)
        )
    if "check4" in by_name:
        p99 = by_name["check4"]["latency"].get("check", {}).get("p99_ms", float("inf"))
        goal = f"< {TARGET_P99_MS:.0f} ms"
        rows.append(("comment-check p99, 4 clients", f"{p99:.1f} ms", goal, p99 < TARGET_P99_MS))
    errors = sum(s["request_errors"] + s["errors"]["database_locked"] for s in by_name.values())
    rows.append(("errors (all scenarios)", str(errors), "0", errors == 0))
    bad = sum(s["lost"] + s["duplicated"] for s in by_name.values())
    rows.append(("lost + duplicated comments", str(bad), "0", bad == 0))
    return rows


def format_report(report: dict[str, Any]) -> str:
    m, server = report["machine"], report["server"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average"])
    lines = [
        f"{report['date']}; {m['cores']} cores ({m['cpu']}); load average before: {load}",
        f"Database {server['database']}; gunicorn {server['workers']} {server['worker_class']} "
        f"workers x {server['threads']} threads; CONN_MAX_AGE {server['conn_max_age']}; "
        f"cache {server['cache']}" + ("; SQLite WAL + IMMEDIATE" if server["sqlite_wal"] else ""),
        f"Load generator: {report['generator']} (on the same cores); comment texts from "
        f"{', '.join(report['texts_from'])}",
        f"Disk: an SQLite commit takes {m['sqlite_commit_ms']['journal']:.2f} ms with the "
        f"default rollback journal, {m['sqlite_commit_ms']['wal']:.3f} ms in WAL "
        "(synchronous=NORMAL)",
        "",
        f"{'scenario':44}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}"
        f"{'accepted':>10}{'stored':>8}{'lost':>6}{'dup':>5}{'unacked':>9}",
    ]
    for s in report["scenarios"]:
        for kind, lat in s["latency"].items():
            first = kind == next(iter(s["latency"]))
            label = f"{s['label']} [{kind}]" if len(s["latency"]) > 1 else s["label"]
            lines.append(
                f"{label:44}"
                + (f"{s['requests_per_second']:>8.0f}" if first else f"{'':>8}")
                + f"{lat.get('p50_ms', float('nan')):>8.1f}{lat.get('p99_ms', float('nan')):>8.1f}"
                + (
                    f"{s['request_errors']:>8}{s['accepted']:>10}{s['stored']:>8}{s['lost']:>6}"
                    f"{s['duplicated']:>5}{s['stored_unacknowledged']:>9}"
                    if first
                    else ""
                )
            )
    lines += ["", "Per scenario: statuses, errors, CPU per response (ms of one core)"]
    for s in report["scenarios"]:
        e, cpu = s["errors"], s["cpu"]
        statuses = ", ".join(f"{k}: {v}" for k, v in s["statuses"].items())
        lines.append(f"  {s['scenario']}: {statuses}; comments {s['comments_per_second']:.0f}/s")
        usage = f"; usage counted {s['api_calls_counted']}" if s["api_calls_counted"] else ""
        lines.append("    errors: " + ", ".join(f"{k} {v}" for k, v in e.items()) + usage)
        lines.append(
            f"    CPU: server {cpu['server_ms_per_response']:.2f}, load generator "
            f"{cpu['generator_ms_per_response']:.2f}, other (database, kernel, other work) "
            f"{cpu['other_ms_per_response']:.2f}; machine {cpu['machine_busy']:.0%} busy"
        )
    lines += ["", f"{'target':34}{'measured':>14}{'goal':>14}{'met':>6}"]
    for name, measured, goal, met in targets(report):
        lines.append(f"{name:34}{measured:>14}{goal:>14}{'yes' if met else 'NO':>6}")
    profile = report.get("profile")
    if profile and "breakdown" in profile:
        lines += [
            "",
            f"Profile: CPU time in the workers, {profile['requests']:,} requests (cProfile slows "
            "Python code: compare shares, not absolute times)",
            f"{'inside':52}{'ms/request':>11}{'calls/req':>11}",
        ]
        for row in profile["breakdown"]:
            lines.append(
                f"{row['what']:52}{row['ms_per_request']:>11.2f}{row['calls_per_request']:>11.1f}"
            )
        lines += ["", f"{'top own time':80}{'own ms/req':>11}{'calls/req':>11}"]
        for row in profile["top"]:
            lines.append(
                f"{row['function'][-80:]:80}{row['own_ms_per_request']:>11.3f}"
                f"{row['calls_per_request']:>11.1f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL URL; a fresh database is created on that server and dropped after "
        "(default: SQLite in a temporary folder)",
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per scenario (20)")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each")
    parser.add_argument(
        "--scenarios",
        type=lambda value: value.split(","),
        default=[name for name, scenario in SCENARIOS.items() if scenario.default],
        help=f"comma-separated, from {','.join(SCENARIOS)} (default: all but the unscored ones)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="DATABASE_CONN_MAX_AGE seconds (the demo's default: 600 on SQLite, 0 otherwise)",
    )
    parser.add_argument("--redis-url", help="share the cache (rate-limit counts) through Redis")
    parser.add_argument(
        "--sqlite-wal", action="store_true", help="SQLite in WAL mode with IMMEDIATE transactions"
    )
    parser.add_argument(
        "--generator", choices=("auto", "wrk", "python"), default="auto", help="load generator"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the workers; print where time goes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder/database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default).")
    if not Path(GUNICORN).exists():
        print(f"error: {GUNICORN} is missing; pip install gunicorn", file=sys.stderr)
        return 2
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which(WRK) else "python"
        if generator == "python":
            print(
                "note: wrk is not installed (Debian/Ubuntu: apt-get install -y wrk); using the "
                "Python load generator, which needs more of the shared CPU.",
                file=sys.stderr,
            )
    elif generator == "wrk" and not shutil.which(WRK):
        print("error: wrk is not on PATH; apt-get install -y wrk", file=sys.stderr)
        return 2
    if os.getloadavg()[0] > 0.7:
        print(
            f"note: load average {os.getloadavg()[0]:.2f}; other work shares the CPU and "
            "lowers the figures.",
            file=sys.stderr,
        )
    try:
        report = run(args, generator)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
