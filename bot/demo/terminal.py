"""The terminal side of the demo console: lines from stdin, read by the event loop."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import sys
import termios
from typing import Any


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
    """Lines typed on a terminal, edited as with readline (arrows, Home/End, Backspace, Ctrl-A/E/U,
    Ctrl-K, Up/Down through the history), read by the event loop; Ctrl-C and Ctrl-D end it."""

    def __init__(self, fd: int, prompt: str) -> None:
        super().__init__(fd)
        self.prompt = prompt
        self._buffer: list[str] = []
        self._cursor = 0
        self._history: list[str] = []
        self._recalled = 0  # how far back in the history Up has gone
        self._escape = ""  # an escape sequence being read
        self._saved: list[Any] | None = None

    def start(self) -> None:
        """The terminal in character mode (no echo, no signals: Ctrl-C is read), the prompt."""
        self._saved = termios.tcgetattr(self._fd)
        mode = termios.tcgetattr(self._fd)
        mode[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(self._fd, termios.TCSADRAIN, mode)
        asyncio.get_running_loop().add_reader(self._fd, self._readable)
        self._watching = True
        self.redraw()

    def close(self) -> None:
        """Stop reading and give the terminal back as it was."""
        super().close()
        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def interrupt(self) -> None:
        """Clear the prompt line before output that arrives while a person is typing."""
        sys.stdout.write("\r\x1b[K")

    def redraw(self) -> None:
        """Show the prompt again with what was typed so far, the cursor where it was."""
        if self._saved is None:  # not reading (any more): no prompt
            return
        text = "".join(self._buffer)
        back = len(self._buffer) - self._cursor
        sys.stdout.write(f"\r\x1b[K{self.prompt}{text}" + (f"\x1b[{back}D" if back else ""))
        sys.stdout.flush()

    def _feed(self, data: bytes) -> bool:
        if not data:
            self._lines.put_nowait(None)
            return False
        for ch in self._decoder.decode(data):
            if not self._key(ch):
                self._lines.put_nowait(None)
                return False
        self.redraw()
        return True

    def _key(self, ch: str) -> bool:
        """Act on one character; False when the input ends (Ctrl-C, Ctrl-D on an empty line)."""
        if self._escape or ch == "\x1b":
            self._escape += ch
            if len(self._escape) > 1 and (ch.isalpha() or ch == "~"):
                self._sequence(self._escape)
                self._escape = ""
            return True
        if ch in "\r\n":
            self._submit()
        elif ch == "\x03" or (ch == "\x04" and not self._buffer):
            sys.stdout.write("\r\n")
            return False
        elif ch in "\x7f\x08" and self._cursor > 0:
            self._cursor -= 1
            del self._buffer[self._cursor]
        elif ch == "\x04" and self._cursor < len(self._buffer):
            del self._buffer[self._cursor]
        elif ch in "\x01\x05":
            self._cursor = 0 if ch == "\x01" else len(self._buffer)
        elif ch == "\x15":
            del self._buffer[: self._cursor]
            self._cursor = 0
        elif ch == "\x0b":
            del self._buffer[self._cursor :]
        elif ch.isprintable():
            self._buffer.insert(self._cursor, ch)
            self._cursor += 1
        return True

    def _sequence(self, seq: str) -> None:
        """Arrows, Home, End and Delete as terminals send them (`ESC [ A` or `ESC O A`)."""
        key = seq[-1] if seq[-1] != "~" else seq[-2]
        if key == "A" and self._recalled < len(self._history):
            self._recall(self._recalled + 1)
        elif key == "B" and self._recalled > 0:
            self._recall(self._recalled - 1)
        elif key == "C":
            self._cursor = min(len(self._buffer), self._cursor + 1)
        elif key == "D":
            self._cursor = max(0, self._cursor - 1)
        elif key in "H1":
            self._cursor = 0
        elif key in "F4":
            self._cursor = len(self._buffer)
        elif key == "3" and self._cursor < len(self._buffer):
            del self._buffer[self._cursor]

    def _recall(self, back: int) -> None:
        self._recalled = back
        self._buffer = list(self._history[-back]) if back else []
        self._cursor = len(self._buffer)

    def _submit(self) -> None:
        line = "".join(self._buffer)
        sys.stdout.write("\r\n")
        if line.strip() and (not self._history or self._history[-1] != line):
            self._history.append(line)
        self._buffer, self._cursor, self._recalled = [], 0, 0
        self._lines.put_nowait(line)


def line_reader(fd: int, prompt: str) -> LineReader:
    """Line editing and history on a terminal, plain lines from a pipe or a file."""
    return EditedLines(fd, prompt) if is_terminal(fd) else LineReader(fd)
