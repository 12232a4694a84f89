"""Load from Python when wrk is missing: one asyncio httpx client per simulated reader, sending
what `load.lua` sends. It takes a larger share of the shared CPU than wrk."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from typing import Any

import httpx
from tqdm import tqdm

from .scenarios import REQUEST_TIMEOUT, LoadRun, Record, Scenario, Target, tick

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


async def _client(
    scenario: Scenario,
    prefix: str,
    tid: int,
    deadline: float,
    target: Target,
    records: list[Record],
    errors: Counter[str],
) -> None:
    texts = target.texts
    article = target.articles[(tid - 1) % len(target.articles)]
    loop = asyncio.get_running_loop()
    # One client (cookie jar, connection) per simulated reader.
    async with httpx.AsyncClient(base_url=target.url, timeout=REQUEST_TIMEOUT) as client:
        seq = 0
        while loop.time() < deadline:
            seq += 1
            tag = f"{prefix}-{tid}-{seq}"
            text = texts[(tid * 7919 + seq) % len(texts)]
            try:
                if scenario.mode in ("check", "unscored"):
                    data = {
                        "api_key": target.key,
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


def run_httpx(
    scenario: Scenario, prefix: str, duration: float, target: Target, progress: tqdm[Any]
) -> LoadRun:
    """Run `scenario.clients` asyncio clients (httpx) for `duration` seconds."""
    records: list[Record] = []
    errors: Counter[str] = Counter()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + duration

        async def ticks() -> None:
            while loop.time() < deadline:
                await asyncio.sleep(1)
                tick(progress)

        clients = [
            _client(scenario, prefix, tid, deadline, target, records, errors)
            for tid in range(1, scenario.clients + 1)
        ]
        await asyncio.gather(ticks(), *clients)
        return loop.time() - started

    seconds = asyncio.run(main())
    return LoadRun(records, seconds, {name: errors[name] for name in ("connect", "timeout")})
