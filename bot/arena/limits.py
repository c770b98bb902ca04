"""Limits on what reaching Arena may cost: one person's share per minute, an answer's size.

Both sit in the HTTP transport under `ArenaClient`, so they count real requests only: an
answer from the cache, or one shared with a request already in flight, costs nothing.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from bot.arena.errors import ArenaTooLarge, FairUseExceeded

WINDOW = 60.0
MAX_PEOPLE = 10_000  # remembered at once; the quietest are forgotten first


class PerPersonBudget:
    """At most `per_minute` Arena requests per person in any 60 s (a sliding window)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._spent: dict[str, deque[float]] = {}

    def spend(self, person: str) -> None:
        """Count one request for `person`, or raise `FairUseExceeded` saying when to retry."""
        now = self._clock()
        times = self._spent.pop(person, None) or deque()
        while times and times[0] <= now - WINDOW:
            times.popleft()
        self._spent[person] = times  # most recently active last
        if len(times) >= self.per_minute:
            raise FairUseExceeded(self.per_minute, retry_after=times[0] + WINDOW - now)
        times.append(now)
        while len(self._spent) > MAX_PEOPLE:
            del self._spent[next(iter(self._spent))]


@dataclass(frozen=True)
class _Payer:
    budget: PerPersonBudget
    person: str


_PAYER: ContextVar[_Payer | None] = ContextVar("arena_payer", default=None)


def charge_to(budget: PerPersonBudget | None, person: str | None) -> None:
    """Charge this task's (and its child tasks') Arena requests to `person`; None: nobody."""
    _PAYER.set(_Payer(budget, person) if budget is not None and person else None)


class LimitedTransport(httpx.AsyncBaseTransport):
    """Charges each request to the person asking (if any) and caps each answer's size."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, max_body_bytes: int) -> None:
        self._inner = inner
        self._max = max_body_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse before sending when the payer's minute is spent; cap the body read."""
        payer = _PAYER.get()
        if payer is not None:
            payer.budget.spend(payer.person)
        response = await self._inner.handle_async_request(request)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max:
            await _Capped(response, self._max).aclose()
            raise ArenaTooLarge(self._max, status=response.status_code)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Capped(response, self._max),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


class _Capped(httpx.AsyncByteStream):
    """The answer's bytes, stopping with `ArenaTooLarge` past `limit`."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        self._response = response
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        read = 0
        async for chunk in stream:
            read += len(chunk)
            if read > self._limit:
                await stream.aclose()
                raise ArenaTooLarge(self._limit, status=self._response.status_code)
            yield chunk

    async def aclose(self) -> None:
        stream = self._response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            await stream.aclose()
