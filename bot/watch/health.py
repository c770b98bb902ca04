"""What `/healthz` reports: a stalled poller, a refused Arena login, a database it cannot write."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

STALLED_AFTER = 3  # poll intervals without a finished pass while there was work


class Health:
    """The poller's passes and the database's writes, as the health check reads them."""

    def __init__(self, interval: float, clock: Callable[[], float]) -> None:
        self._interval = interval
        self._clock = clock
        self._last_end = clock()
        self._had_work = False
        self.database_error: str | None = None

    def begin(self, *, had_work: bool) -> None:
        """A pass starts; `had_work`: there are watches or subscriptions to serve."""
        self._had_work = had_work

    def end(self) -> None:
        """A pass finished."""
        self._last_end = self._clock()

    def database(self, error: str | None) -> None:
        """The last write to the database: None when it worked. Logged when that changes."""
        if error and error != self.database_error:
            logger.error("the database cannot be written: %s", error)
        elif error is None and self.database_error:
            logger.info("the database can be written again")
        self.database_error = error

    def problem(self, *, login_refused: str | None) -> str | None:
        """Why the bot is unhealthy, in one sentence, or None when it is healthy."""
        if login_refused:
            return f"Arena refuses the bot's login: {login_refused}"
        if self.database_error:
            return f"the database cannot be written: {self.database_error}"
        quiet = self._clock() - self._last_end
        if self._had_work and quiet > STALLED_AFTER * self._interval:
            return f"the poller has not finished a pass for {quiet:.0f} s"
        return None
