"""Time-limited caches of the lookups every comment or API call makes (the active model, the
rules, the API keys, the model file's health): one clock, and one call that empties them all.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import update_wrapper
from time import monotonic
from typing import Any, Generic, ParamSpec, TypeVar

from moderation.conf import get_settings

P = ParamSpec("P")
T = TypeVar("T")

_ALL: list[TimedCache[..., Any]] = []  # every cache made, for forget_all()


def check_interval() -> float:
    """Return how long a process may answer from its own copy of rows another process may
    change (a model activated, a rule or key added): MODERATION["MODEL_CHECK_INTERVAL"]."""
    seconds: float = get_settings()["MODEL_CHECK_INTERVAL"]
    return seconds


class TimedCache(Generic[P, T]):
    """`function`'s results by arguments, each reused for `seconds` after it was computed.

    Timed on time.monotonic: the wall clock jumps when it is set, and an entry stamped by a clock
    that later went back would be reused until the clock caught up. `max_entries` bounds the
    cache: when it is full, a new entry empties it first.
    """

    def __init__(
        self, function: Callable[P, T], seconds: float | Callable[[], float], max_entries: int
    ) -> None:
        self._function = function
        self._seconds = seconds
        self._max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, T]] = {}
        update_wrapper(self, function)
        _ALL.append(self)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        key = (args, tuple(kwargs.items()))
        now = monotonic()
        entry = self._entries.get(key)
        lifetime = self._seconds() if callable(self._seconds) else self._seconds
        if entry is not None and now - entry[0] < lifetime:
            return entry[1]
        value = self._function(*args, **kwargs)
        if len(self._entries) >= self._max_entries and key not in self._entries:
            self._entries.clear()
        self._entries[key] = (now, value)
        return value

    def forget(self, **kwargs: object) -> None:
        """Make the next call compute afresh (a signal receiver: it takes any arguments)."""
        self._entries.clear()


def timed_cache(
    seconds: float | Callable[[], float] = check_interval, *, max_entries: int = 1
) -> Callable[[Callable[P, T]], TimedCache[P, T]]:
    """Cache the decorated function's results for `seconds` (by default MODEL_CHECK_INTERVAL,
    read at each call); `.forget()` empties the cache, forget_all() empties every one."""

    def decorate(function: Callable[P, T]) -> TimedCache[P, T]:
        return TimedCache(function, seconds, max_entries)

    return decorate


def forget_all(**kwargs: object) -> None:
    """Empty every timed cache: the next lookups read the database (and the files) again."""
    for cache in _ALL:
        cache.forget()
