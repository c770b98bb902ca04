"""Limits on how often Arena is asked: a refused login waits, a poller's read is tried once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.arena.errors import ArenaAuthError

logger = logging.getLogger(__name__)

FIRST_WAIT = 60.0  # seconds before the login is tried again after a refusal, doubling
LONGEST_WAIT = 3600.0

_RETRIES: ContextVar[int | None] = ContextVar("arena_retries", default=None)


@contextmanager
def single_attempt() -> Iterator[None]:
    """GETs sent inside are not retried: the caller (the poller) has its own backoff."""
    token = _RETRIES.set(0)
    try:
        yield
    finally:
        _RETRIES.reset(token)


def retries(default: int) -> int:
    """How many times a GET may be retried here."""
    cap = _RETRIES.get()
    return default if cap is None else min(default, cap)


class LoginGate:
    """After Arena refuses the login, nobody logs in again before the wait is over.

    Each refusal doubles the wait (1 minute up to an hour): a changed password must not lock
    the integration user out, whether the poller or people's commands would have asked.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._refusal: ArenaAuthError | None = None
        self._wait = 0.0
        self._until = 0.0

    @property
    def refusal(self) -> ArenaAuthError | None:
        """The last refusal, until a login succeeds."""
        return self._refusal

    @property
    def closed_for(self) -> float:
        """Seconds until a login may be tried again (0 when it may be tried now)."""
        return max(0.0, self._until - self._clock()) if self._refusal else 0.0

    def check(self) -> None:
        """Raise the last refusal again while the wait lasts."""
        if self._refusal is not None and self.closed_for > 0:
            raise self._refusal

    def refused(self, error: ArenaAuthError) -> None:
        """Arena refused the login: wait twice as long as last time before the next try."""
        self._wait = min(LONGEST_WAIT, self._wait * 2) if self._wait else FIRST_WAIT
        self._until = self._clock() + self._wait
        self._refusal = error
        logger.error("%s; no new login attempt for %.0f s", error, self._wait)

    def accepted(self) -> None:
        """A login succeeded: no wait any more."""
        if self._refusal is not None:
            logger.info("Arena accepted the login again")
        self._refusal, self._wait, self._until = None, 0.0, 0.0
