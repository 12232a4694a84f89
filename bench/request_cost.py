"""Benchmark: what one Akismet comment-check costs the server, in CPU time and in instructions.

Run from the repository root: `python bench/request_cost.py [--calls 300] [--callgrind]`.
Wall-clock figures on a shared VM move by ±20 % between minutes; an instruction count under
valgrind's callgrind does not, so `--callgrind` is the figure to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
WARMUP_CALLS = 20
CHECK_URL = "/akismet/1.1/comment-check"


def run_calls(calls: int, ready_file: str | None) -> float:
    """Set up a fresh SQLite site, make `calls` comment-checks; return CPU ms per call.

    With `ready_file`, touch it after the warm-up and wait until it is gone, so callgrind can
    switch its counting on for the calls alone.
    """
    sys.path.insert(0, str(REPO_ROOT))
    os.environ["DEMO_VAR_DIR"] = tempfile.mkdtemp(prefix="hamlet-cost-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from moderation.api.keys import create_key
    from moderation.classifier import scoring
    from moderation.corpora import SHIPPED_SOURCES, load_spec
    from moderation.dataset import DatasetError
    from moderation.models import ApiKey

    call_command("migrate", verbosity=0)
    api_key, raw = create_key("bench", [])
    # The calls measure the server, not the limit (as bench/http_load.py does).
    ApiKey.objects.filter(pk=api_key.pk).update(rate_limit="1000000/min")
    scoring.warm_up()
    texts: list[str] = []
    for kind in SHIPPED_SOURCES:
        try:
            texts += [comment.content for comment in load_spec(kind).comments[:200]]
        except DatasetError:
            continue
    if not texts:
        raise SystemExit("No corpus loaded: set MODERATION_DATASETS (bench/README.md).")
    client = Client()

    def check(n: int) -> None:
        body = {
            "api_key": raw,
            "blog": "http://bench.example/",
            "user_ip": f"10.1.0.{n % 250 + 1}",
            "user_agent": "request_cost",
            "comment_type": "comment",
            "comment_author": "Reader",
            "comment_content": f"cost-{n} {texts[n * 7919 % len(texts)]}",
        }
        response = client.post(
            CHECK_URL, urlencode(body), content_type="application/x-www-form-urlencoded"
        )
        if response.status_code != 200:
            raise SystemExit(f"comment-check answered {response.status_code}: {response.content!r}")

    for n in range(WARMUP_CALLS):
        check(n)
    if ready_file:
        Path(ready_file).touch()
        while Path(ready_file).exists():
            time.sleep(0.1)
    started = time.process_time()
    for n in range(WARMUP_CALLS, WARMUP_CALLS + calls):
        check(n)
    return 1000 * (time.process_time() - started) / calls


def count_instructions(calls: int) -> int:
    """Run the calls under callgrind, counting only them; return the instructions counted."""
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        raise SystemExit("--callgrind needs valgrind (apt-get install -y valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        ready, out = Path(tmp) / "ready", Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            f"--calls={calls}",
            f"--ready-file={ready}",
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while not ready.exists():
            if process.poll() is not None:
                raise SystemExit(f"valgrind stopped:\n{process.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
        subprocess.run(["callgrind_control", "-i", "on", str(process.pid)], capture_output=True)
        ready.unlink()
        _, stderr = process.communicate()
        for line in stderr.decode().splitlines():
            if "Collected :" in line:
                return int(line.split(":")[-1].strip())
    raise SystemExit("callgrind printed no instruction count")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=300, help="comment-checks measured")
    parser.add_argument(
        "--callgrind", action="store_true", help="count instructions (about 1 minute)"
    )
    parser.add_argument("--ready-file", help=argparse.SUPPRESS)  # set by --callgrind's child
    args = parser.parse_args(argv)
    if args.callgrind:
        instructions = count_instructions(args.calls)
        print(f"instructions per comment-check: {instructions / args.calls / 1e6:.2f} M")
        return 0
    ms = run_calls(args.calls, args.ready_file)
    if not args.ready_file:
        print(f"CPU per comment-check, in-process: {ms:.2f} ms ({args.calls} calls)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
