"""Connections the server cannot be held by: a cap on how many, and no waiting on a slow sender.

A connection whose request headers have not all arrived within the read timeout is closed,
and so is one idle for that long between requests (aiohttp's keep-alive timeout); the body
has the same time (bot/slack/edge.py). Past the cap, a new connection is closed at once,
before the open-file limit is reached, so nothing else starves and nothing logs in a loop.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)

BACKLOG = 128  # connections waiting to be accepted; asyncio accepts this many in one go
# Open files kept free: the database, Arena, Slack and the logs (100), and one accept burst,
# which opens its sockets before the cap can close any.
FILE_HEADROOM = 100 + BACKLOG
WANTED_FILES = 65_536
_END_OF_HEADERS = b"\r\n\r\n"
# asyncio's words when accept() fails for want of files; it then retries every second, and
# (CPython 3.11-3.13) reports the failure once per pending connection, with a traceback each.
_ACCEPT_OUT_OF_FILES = "socket.accept() out of system resource"
OUT_OF_FILES_EVERY = 60.0  # seconds between two log lines about it


def raise_open_file_limit() -> int:
    """Raise this process's soft open-file limit towards its hard limit; the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = WANTED_FILES if hard == resource.RLIM_INFINITY else min(hard, WANTED_FILES)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return WANTED_FILES if soft == resource.RLIM_INFINITY else soft


class ConnectionLimits:
    """How many connections may be open at once, and how long a request may take to arrive."""

    def __init__(self, *, max_connections: int, read_timeout: float) -> None:
        self.max_connections = max_connections
        self.read_timeout = read_timeout
        self.open = 0
        self.refused = 0
        self.dropped = 0

    def protocol(self, make_handler: Callable[[], asyncio.Protocol]) -> asyncio.Protocol:
        """A protocol for one new connection, in front of aiohttp's."""
        return _Guarded(self, make_handler)


class _Guarded(asyncio.Protocol):
    """aiohttp's protocol, admitted under the cap and dropped if its headers stall."""

    def __init__(self, limits: ConnectionLimits, make_handler: Callable[[], asyncio.Protocol]):
        self._limits = limits
        self._make_handler = make_handler
        self._inner: asyncio.Protocol | None = None
        self._transport: asyncio.Transport | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        limits = self._limits
        if limits.open >= limits.max_connections:
            limits.refused += 1
            logger.warning(
                "Closed a new connection: %d are open, the most allowed (SERVER_MAX_CONNECTIONS)",
                limits.open,
            )
            transport.abort()
            return
        limits.open += 1
        self._transport = transport
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(limits.read_timeout, self._stalled)
        self._inner = self._make_handler()
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._deadline is not None:
            if _END_OF_HEADERS in self._tail + data:
                self._deadline.cancel()
                self._deadline = None
            else:
                self._tail = (self._tail + data)[-3:]
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._inner is not None:
            self._limits.open -= 1
            self._inner.connection_lost(exc)
            self._inner = None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    def _stalled(self) -> None:
        self._deadline = None
        self._limits.dropped += 1
        logger.warning(
            "Dropped a connection whose request headers did not arrive within %g s",
            self._limits.read_timeout,
        )
        if self._transport is not None:
            self._transport.abort()


class OutOfFilesLog:
    """One log line a minute, no traceback, for asyncio's failed accepts at the open-file limit.

    Every other report of the loop goes on to the handler that was there before.
    """

    def __init__(self, limits: ConnectionLimits, *, clock: Callable[[], float] = time.monotonic):
        self._limits = limits
        self._clock = clock
        self._last: float | None = None
        self._held = 0

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Handle `loop`'s reports from now on."""
        before = loop.get_exception_handler()

        def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            if context.get("message") == _ACCEPT_OUT_OF_FILES:
                self.report(context.get("exception"))
            elif before is not None:
                before(loop, context)
            else:
                loop.default_exception_handler(context)

        loop.set_exception_handler(handle)

    def report(self, exc: object) -> None:
        """Log the failed accept, unless a line said so within the last minute."""
        now = self._clock()
        if self._last is not None and now - self._last < OUT_OF_FILES_EVERY:
            self._held += 1
            return
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        held, self._held, self._last = self._held, 0, now
        logger.warning(
            "Cannot accept new connections (%s) with %d open: they wait and are retried each "
            "second; lower SERVER_MAX_CONNECTIONS or raise the open-file limit%s",
            reason,
            self._limits.open,
            f" ({held:,} more such failures since the last line)" if held else "",
        )


class GuardedSite(web.BaseSite):
    """A TCP site whose connections go through `ConnectionLimits`."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        limits: ConnectionLimits,
        **options: Any,
    ) -> None:
        super().__init__(runner, backlog=BACKLOG, **options)
        self._host = host
        self._port = port
        self._limits = limits

    @property
    def name(self) -> str:
        """`http://host:port`."""
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        """Listen on host:port, each connection guarded."""
        await super().start()
        handlers = self._runner.server
        assert handlers is not None
        loop = asyncio.get_running_loop()
        OutOfFilesLog(self._limits).install(loop)
        self._server = await loop.create_server(
            lambda: self._limits.protocol(handlers),
            self._host,
            self._port,
            backlog=self._backlog,
            reuse_address=True,
        )
