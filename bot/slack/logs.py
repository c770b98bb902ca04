"""Logs that outsiders cannot flood: every line size-bounded, each kind of line rate-limited."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

MAX_LINE = 2000  # characters of one log message (a traceback is logged whole, once)
PER_WINDOW = 20  # lines of one kind (logger and message template) per window
WINDOW = 10.0  # seconds
_KINDS = 1000  # kinds remembered at once


class BoundedLines(logging.Filter):
    """Cuts long messages and lets at most `per_window` lines of one kind through per window.

    A line let through after others were held back says how many, so nothing goes unnoticed.
    """

    def __init__(
        self,
        *,
        max_line: int = MAX_LINE,
        per_window: int = PER_WINDOW,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._max_line = max_line
        self._per_window = per_window
        self._window = window
        self._clock = clock
        self._kinds: dict[tuple[str, str], list[float]] = {}  # [window start, shown, held]

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to log `record` (cut to `max_line`, noting lines held back before it)."""
        kind = (record.name, str(record.msg)[:200])
        now = self._clock()
        state = self._kinds.get(kind)
        if state is None or now - state[0] >= self._window:
            held = int(state[2]) if state else 0
            state = [now, 0.0, 0.0]
            self._kinds.pop(kind, None)
            self._kinds[kind] = state
            while len(self._kinds) > _KINDS:
                del self._kinds[next(iter(self._kinds))]
        else:
            held = 0
        if state[1] >= self._per_window:
            state[2] += 1
            return False
        state[1] += 1
        message = record.getMessage()
        if len(message) > self._max_line:
            message = f"{message[: self._max_line]}… ({len(message):,} characters in all)"
        if held:
            message += f" ({held:,} similar line(s) held back in the last {self._window:g} s)"
        record.msg, record.args = message, None
        return True


def bound_all_handlers() -> None:
    """Put one `BoundedLines` on every handler of the root logger (once)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, BoundedLines) for f in handler.filters):
            handler.addFilter(BoundedLines())
