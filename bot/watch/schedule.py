"""When to ask Arena again: delays that grow for long runs and stretch as the quota runs low."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.arena.quota import Quota

GROWTH = 1.5  # each poll of a still-running run waits half as long again as the one before
SLOW_FACTOR = 4.0  # below SLOW_MULTIPLE × reserve requests left, every delay is four times as long
SLOW_MULTIPLE = 5
UNKNOWN_RESET_PAUSE = timedelta(hours=1)
# Arena's quota resets daily: a reset further away than this is a garbled header, not news.
LATEST_BELIEVABLE_RESET = timedelta(hours=24)


def next_interval(current: float, *, base: float, cap: float) -> float:
    """The delay after `current`: ×1.5, from `base` up to `cap`."""
    return min(cap, max(base, current * GROWTH))


@dataclass(frozen=True)
class Pace:
    """How hard polling may press on Arena's quota right now."""

    factor: float  # multiply every delay by this
    paused_until: datetime | None  # no polling before this moment
    reason: str  # for `/importrun status`

    @property
    def paused(self) -> bool:
        """Polling is paused (people's commands are still answered)."""
        return self.paused_until is not None


def pace(quota: Quota, *, reserve: int, now: datetime) -> Pace:
    """Normal pace, slowed when requests are scarce, paused below `reserve` until the reset.

    A reset time more than a day away, or one that could not be read, counts as unknown:
    polling looks again an hour after Arena last reported the count.
    """
    left = quota.remaining
    reset = quota.reset_at
    if reset is not None and reset - now > LATEST_BELIEVABLE_RESET:
        reset = None
    if reset is not None and reset <= now:
        return Pace(1.0, None, "the daily quota has reset")
    if left is None:
        return Pace(1.0, None, "normal")
    if left <= reserve:
        until = reset or (quota.updated_at or now) + UNKNOWN_RESET_PAUSE
        if until <= now:
            # No usable reset time, and an hour without news of the quota: one poll learns it.
            return Pace(1.0, None, "looking again: Arena gave no usable reset time")
        spent = "Arena's daily request quota is spent"
        cause = spent if left == 0 else f"{left:,} Arena requests left"
        why = f"paused: {cause}, {reserve:,} kept for people"
        if reset is None:
            why += "; Arena gave no usable reset time, so polling looks again within the hour"
        return Pace(1.0, until, why)
    if left < SLOW_MULTIPLE * reserve:
        return Pace(SLOW_FACTOR, None, f"slowed ×{SLOW_FACTOR:g}: {left:,} Arena requests left")
    return Pace(1.0, None, "normal")
