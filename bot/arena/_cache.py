"""Spending fewer requests: a TTL cache and the coalescing of identical requests in flight."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values kept for `ttl` seconds of `clock`, at most `max_entries` of them."""

    def __init__(self, ttl: float, clock: Callable[[], float], *, max_entries: int = 2048) -> None:
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable) -> tuple[bool, V | None]:
        """`(True, value)` while the entry is fresh, else `(False, None)`."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires_at, value = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return False, None
        return True, value

    def put(self, key: Hashable, value: V, *, ttl: float | None = None) -> None:
        """Keep `value` for `ttl` seconds, by default the cache's (nothing is kept for 0)."""
        ttl = self._ttl if ttl is None else ttl
        if ttl <= 0:
            return
        now = self._clock()
        if len(self._entries) >= self._max_entries:
            self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            while len(self._entries) >= self._max_entries:  # still full: drop the oldest
                del self._entries[next(iter(self._entries))]
        self._entries.pop(key, None)
        self._entries[key] = (now + ttl, value)


class Coalescer(Generic[V]):
    """Callers asking for the same key while it is in flight share one call."""

    def __init__(self) -> None:
        self._inflight: dict[Hashable, asyncio.Task[V]] = {}

    def __len__(self) -> int:
        """How many calls are in flight."""
        return len(self._inflight)

    async def run(self, key: Hashable, call: Callable[[], Coroutine[Any, Any, V]]) -> V:
        """Await `call()`, or the call already running for `key`."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._call(key, call))
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        # One caller giving up (cancelled) must not cancel the others' shared call.
        return await asyncio.shield(task)

    async def _call(self, key: Hashable, call: Callable[[], Coroutine[Any, Any, V]]) -> V:
        try:
            return await call()
        finally:
            # Forgotten the moment it ends, so a later caller never joins a finished call.
            self._inflight.pop(key, None)

    def _forget(self, key: Hashable, task: asyncio.Task[V]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved here, so a call nobody awaits any more stays quiet
