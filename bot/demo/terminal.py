"""The terminal side of the demo console: lines from stdin, read by the event loop."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os


class LineReader:
    """Lines typed on a terminal or piped in, read by the event loop (no thread, no O_NONBLOCK)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""
        self._watching = False

    def start(self) -> None:
        """Start reading: an event-loop reader for a TTY or pipe; a file is read at once."""
        loop = asyncio.get_running_loop()
        try:
            loop.add_reader(self._fd, self._readable)
        except (PermissionError, OSError, ValueError):
            # A regular file cannot be polled; reading it never blocks for long.
            while self._feed(os.read(self._fd, 65536)):
                pass
        else:
            self._watching = True

    def close(self) -> None:
        """Stop reading."""
        if self._watching:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._watching = False

    async def readline(self) -> str | None:
        """The next line without its newline; None at end of input."""
        return await self._lines.get()

    def _readable(self) -> None:
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not self._feed(data):
            self.close()

    def _feed(self, data: bytes) -> bool:
        """Queue the complete lines in `data`; at EOF queue the rest and None; False at EOF."""
        if not data:
            rest = self._partial + self._decoder.decode(b"", final=True)
            if rest:
                self._lines.put_nowait(rest)
            self._lines.put_nowait(None)
            return False
        text = self._partial + self._decoder.decode(data)
        *lines, self._partial = text.split("\n")
        for line in lines:
            self._lines.put_nowait(line.rstrip("\r"))
        return True


def is_terminal(fd: int) -> bool:
    """Whether `fd` is an interactive terminal."""
    with contextlib.suppress(OSError):
        return os.isatty(fd)
    return False
