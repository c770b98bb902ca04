"""The terminal side of the demo console: lines from stdin, read by the event loop."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import sys
from types import ModuleType


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


class EditedLines(LineReader):
    """Lines typed on a terminal with readline's editing and history, still read by the event
    loop: readline's callback interface reads one character whenever the terminal has one."""

    def __init__(self, fd: int, readline: ModuleType, prompt: str) -> None:
        super().__init__(fd)
        self._readline = readline
        self.prompt = prompt

    def start(self) -> None:
        """Install readline's handler and read characters as they come."""
        self._readline.callback_handler_install(self.prompt, self._line)
        asyncio.get_running_loop().add_reader(self._fd, self._readline.callback_read_char)
        self._watching = True

    def close(self) -> None:
        """Stop reading and give the terminal back as it was."""
        if self._watching:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._readline.callback_handler_remove()
            self._watching = False

    def _line(self, line: str | None) -> None:
        if line is None:  # Ctrl-D
            sys.stdout.write("\n")
            self._lines.put_nowait(None)
            self.close()
            return
        if line.strip():
            self._readline.add_history(line)
        self._lines.put_nowait(line)

    def interrupt(self) -> None:
        """Clear the prompt line before output that arrives while a person is typing."""
        sys.stdout.write("\r\x1b[K")

    def redraw(self) -> None:
        """Show the prompt again with what was typed so far."""
        typed = self._readline.get_line_buffer()
        self._readline.callback_handler_remove()
        self._readline.callback_handler_install(self.prompt, self._line)
        self._readline.insert_text(typed)
        self._readline.redisplay()


def line_reader(fd: int, prompt: str) -> LineReader:
    """Readline editing and history on a terminal (where Python has readline), else plain lines."""
    if is_terminal(fd):
        try:
            import readline
        except ImportError:
            return LineReader(fd)
        return EditedLines(fd, readline, prompt)
    return LineReader(fd)
