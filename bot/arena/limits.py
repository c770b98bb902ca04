"""Limits on what reaching Arena may cost: one person's share per minute, an answer's size.

Both sit in the HTTP transport under `ArenaClient`, so they count real requests only: an
answer from the cache, or one shared with a request already in flight, costs nothing.
The size cap counts an answer's bytes both as sent and as decoded: a gzip answer of 50 KB may
decode to 50 MB or more, so the transport decodes it here, a piece at a time, not httpx.
"""

from __future__ import annotations

import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from bot.arena.errors import ArenaTooLarge, ArenaUnreadable, FairUseExceeded

WINDOW = 60.0
MAX_PEOPLE = 10_000  # remembered at once; the quietest are forgotten first
ACCEPTED = "gzip"  # the Accept-Encoding asked for: what `_Gunzip` undoes within the cap
PIECE = 64 * 1024  # decoded at most this much at a time


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
        request.headers["Accept-Encoding"] = ACCEPTED
        response = await self._inner.handle_async_request(request)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max:
            await _Capped(response, self._max).aclose()
            raise ArenaTooLarge(self._max, status=response.status_code)
        headers = response.headers.copy()
        codings = [c for c in _codings(headers) if c != "identity"]
        if codings and codings not in (["gzip"], ["x-gzip"], ["deflate"]):
            await _Capped(response, self._max).aclose()
            shown = ", ".join(codings)[:40]
            raise ArenaUnreadable(
                "an answer", f"it was encoded as {shown}", status=response.status_code
            )
        if codings:  # undone in `_Capped`: httpx must not decode it again
            del headers["Content-Encoding"]
            headers.pop("Content-Length", None)
        gunzip = _Gunzip(codings[0], response.status_code) if codings else None
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=_Capped(response, self._max, gunzip),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


def _codings(headers: httpx.Headers) -> list[str]:
    """The answer's Content-Encoding, as a list in the order applied."""
    found = headers.get_list("Content-Encoding", split_commas=True)
    return [coding.strip().lower() for coding in found if coding.strip()]


class _Gunzip:
    """Content-Encoding gzip (or zlib-wrapped deflate) undone at most `PIECE` bytes at a time:
    a few kilobytes of it may decode to gigabytes, which must not be decoded before counted."""

    def __init__(self, coding: str, status: int) -> None:
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # a gzip or a zlib header
        self._coding = coding
        self._status = status
        self._fed = False
        self._after_first = False  # in bytes after the first member that gave nothing yet
        self._ignoring = False  # bytes after the last member that are not one

    def pieces(self, chunk: bytes) -> Iterator[bytes]:
        """What `chunk` decodes to, piece by piece: members one after another (RFC 1952 allows
        a series); bytes after the last that do not start another are ignored."""
        data, full = chunk, False
        while (data or full) and not self._ignoring:
            if self._zlib.eof:  # a member ended and more follows
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)
                self._after_first = True
            self._fed = True
            try:
                piece = self._zlib.decompress(data, PIECE)
            except zlib.error:
                if self._after_first:
                    self._ignoring = True
                    return
                raise self._unreadable("broken") from None
            self._after_first = self._after_first and not piece and not self._zlib.eof
            yield piece
            # zlib stops short of `PIECE` only when out of input; a full piece may have more.
            full = len(piece) == PIECE and not self._zlib.eof
            data = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail

    def end(self) -> None:
        """The answer has ended: an encoding begun and never ended is cut short (an empty
        answer, such as a 204's, is no encoding at all)."""
        if self._fed and not self._zlib.eof and not self._after_first:
            raise self._unreadable("cut short")

    def _unreadable(self, how: str) -> ArenaUnreadable:
        sent = f"its {self._coding} encoding was {how}"
        return ArenaUnreadable("an answer", sent, status=self._status)


class _Capped(httpx.AsyncByteStream):
    """The answer's bytes (decoded by `gunzip`, if given), stopping with `ArenaTooLarge` when
    more than `limit` bytes are sent or decoded."""

    def __init__(self, response: httpx.Response, limit: int, gunzip: _Gunzip | None = None):
        self._response = response
        self._limit = limit
        self._gunzip = gunzip

    async def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        sent = decoded = 0
        async for chunk in stream:
            sent += len(chunk)
            pieces = self._gunzip.pieces(chunk) if self._gunzip else (chunk,)
            for piece in pieces:
                decoded += len(piece)
                if max(sent, decoded) > self._limit:
                    await stream.aclose()
                    raise ArenaTooLarge(self._limit, status=self._response.status_code)
                yield piece
        if self._gunzip is not None:
            self._gunzip.end()

    async def aclose(self) -> None:
        stream = self._response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            await stream.aclose()
