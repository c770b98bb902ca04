"""asyncio's failed accepts at the open-file limit: one log line a minute, nothing else lost."""

from __future__ import annotations

import asyncio
import errno
import logging
from typing import Any

import pytest

from bot.slack.connections import ConnectionLimits, OutOfFilesLog

OUT_OF_FILES = "socket.accept() out of system resource"


def emfile() -> OSError:
    return OSError(errno.EMFILE, "Too many open files")


async def test_a_burst_of_failed_accepts_is_one_line_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """CPython reports one failed accept per pending connection: 128 reports, one line."""
    now = [100.0]
    limits = ConnectionLimits(max_connections=100, read_timeout=1)
    limits.open = 100
    loop = asyncio.get_running_loop()
    before = loop.get_exception_handler()
    OutOfFilesLog(limits, clock=lambda: now[0]).install(loop)
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(128):
                loop.call_exception_handler({"message": OUT_OF_FILES, "exception": emfile()})
            now[0] += 61
            loop.call_exception_handler({"message": OUT_OF_FILES, "exception": emfile()})
    finally:
        loop.set_exception_handler(before)
    lines = [r for r in caplog.records if "Cannot accept new connections" in r.getMessage()]
    assert len(lines) == 2
    assert "(Too many open files) with 100 open" in lines[0].getMessage()
    assert "127 more such failures" in lines[1].getMessage()
    assert all(r.exc_info is None for r in caplog.records)


async def test_other_reports_reach_the_handler_that_was_there() -> None:
    """Only failed accepts are summarised: a task's error still reaches the earlier handler."""
    seen: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    before = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    OutOfFilesLog(ConnectionLimits(max_connections=1, read_timeout=1)).install(loop)
    try:
        loop.call_exception_handler({"message": "Task exception was never retrieved"})
        loop.call_exception_handler({"message": OUT_OF_FILES, "exception": emfile()})
    finally:
        loop.set_exception_handler(before)
    assert [c["message"] for c in seen] == ["Task exception was never retrieved"]
