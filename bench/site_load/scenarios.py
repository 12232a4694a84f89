"""The scenarios http_load.py runs, the targets they are judged by, and what a run records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tqdm import tqdm

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
# The targets, by database: (comment-check requests/s with 32 clients, p99 ms with 4 clients).
# PostgreSQL's are lower: durable commits over a socket, on the same 2 cores.
TARGETS = {"SQLite": (400.0, 20.0), "PostgreSQL": (300.0, 25.0)}
REQUEST_TIMEOUT = 10.0  # seconds; a slower answer counts as a timeout


@dataclass(frozen=True)
class Scenario:
    """One load: what each client sends, and how many clients send it at once."""

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


@dataclass(frozen=True)
class LoadRun:
    """What a load generator saw in one run: every response, and the socket errors."""

    records: list[Record]
    seconds: float
    socket_errors: dict[str, int]  # connect / read / write / timeout, as the generator saw them


@dataclass(frozen=True)
class Target:
    """The served site a load generator sends to: its URL, API key, articles and texts."""

    tmp: Path
    env: dict[str, str]  # the server's environment, for the children that count comments
    url: str
    key: str
    articles: list[str]  # article page paths
    texts: list[str]
    texts_file: Path  # the texts, URL-encoded, one a line (for wrk's Lua script)


def tick(progress: tqdm[Any]) -> None:
    """Advance a scenario's progress bar by one second, never past its end."""
    if progress.n < (progress.total or 0):  # start-up and the last partial second overshoot it
        progress.update(1)
