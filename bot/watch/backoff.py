"""Per-item backoff: each import and each watched run waits on its own after a failure."""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    """The last error of one item, and how it stands."""

    error: str
    count: int  # failures in a row; 0 once the item worked again
    next_at: float  # no new try before this (poller clock)


class Backoff:
    """Growing waits per item (the base delay, doubled at each failure, up to the cap).

    One failure is one step: it is logged once and counted, and the item is not tried again
    before its wait is over. Nothing here holds up another item.
    """

    def __init__(self, *, base: float, cap: float) -> None:
        self._base = base
        self._cap = max(base, cap)
        self._items: dict[str, Failure] = {}

    def ready(self, item: str, now: float) -> bool:
        """May `item` be tried now?"""
        failure = self._items.get(item)
        return failure is None or failure.count == 0 or failure.next_at <= now

    def waiting_until(self, item: str) -> float | None:
        """When a failing item may be tried again, or None when it is not failing."""
        failure = self._items.get(item)
        return failure.next_at if failure is not None and failure.count else None

    def failed(self, item: str, error: str, now: float) -> Failure:
        """Count a failure of `item`, log it once, and make it wait twice as long as before."""
        before = self._items.get(item)
        count = (before.count if before else 0) + 1
        wait = min(self._cap, self._base * 2 ** (count - 1))
        failure = Failure(error, count, now + wait)
        self._items[item] = failure
        logger.warning("%s: %s; failure %d in a row, next try in %.0f s", item, error, count, wait)
        return failure

    def succeeded(self, item: str) -> None:
        """`item` worked: no wait; its last error is kept (marked recovered) for `status`."""
        before = self._items.get(item)
        if before is not None and before.count:
            logger.info("%s: working again after %d failure(s)", item, before.count)
            self._items[item] = Failure(before.error, 0, 0.0)

    def forget(self, item: str) -> None:
        """The item is gone (announced, ended): nothing more to say about it."""
        self._items.pop(item, None)

    def failures(self) -> dict[str, Failure]:
        """Every item's last error, the failing ones and those that recovered."""
        return dict(self._items)
