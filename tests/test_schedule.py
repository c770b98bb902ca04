"""The polling schedule: delays that grow for long runs, and pacing by Arena's quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.arena.quota import Quota
from bot.watch.schedule import UNKNOWN_RESET_PAUSE, next_interval, pace

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
RESET = NOW + timedelta(hours=9)


def quota(remaining: int | None, reset_at: datetime | None = RESET) -> Quota:
    """A quota as the last response reported it."""
    return Quota(remaining=remaining, reset_at=reset_at, updated_at=NOW - timedelta(minutes=1))


def test_delays_grow_half_as_long_again_up_to_the_cap() -> None:
    """30, 45, 67.5, … then the cap, and the cap is kept."""
    delays = [30.0]
    for _ in range(10):
        delays.append(next_interval(delays[-1], base=30, cap=600))
    assert delays[:6] == pytest.approx([30, 45, 67.5, 101.25, 151.875, 227.8125])
    assert delays[-3:] == [600, 600, 600]
    assert max(delays) == 600


def test_a_delay_is_never_below_the_base() -> None:
    """A watch stored with a shorter interval (the setting was raised) starts from the base."""
    assert next_interval(5, base=30, cap=600) == 30
    assert next_interval(0, base=30, cap=600) == 30


def test_plenty_of_requests_is_normal_pace() -> None:
    """Far above the reserve, or nothing known yet: no slowing."""
    for left in (None, 10_000, 1_000):
        now = pace(quota(left), reserve=200, now=NOW)
        assert (now.factor, now.paused, now.reason) == (1.0, False, "normal")


def test_below_five_reserves_every_delay_is_four_times_as_long() -> None:
    """999 left with a reserve of 200: slowed ×4, not paused, and the reason says how many."""
    slowed = pace(quota(999), reserve=200, now=NOW)
    assert (slowed.factor, slowed.paused) == (4.0, False)
    assert slowed.reason == "slowed ×4: 999 Arena requests left"


@pytest.mark.parametrize("left", [200, 199, 0])
def test_at_or_below_the_reserve_polling_pauses_until_the_reset(left: int) -> None:
    """The reserve is kept for people's commands; polling waits for the reset time."""
    paused = pace(quota(left), reserve=200, now=NOW)
    assert paused.paused
    assert paused.paused_until == RESET
    cause = "Arena's daily request quota is spent" if left == 0 else f"{left:,} Arena requests left"
    assert paused.reason == f"paused: {cause}, 200 kept for people"


def test_a_reset_that_has_passed_lifts_the_pause() -> None:
    """After the reset time the old count is stale: poll, and learn the new one."""
    after = pace(quota(0), reserve=200, now=RESET)
    assert (after.factor, after.paused) == (1.0, False)
    assert after.reason == "the daily quota has reset"


def test_an_unknown_reset_time_pauses_for_an_hour() -> None:
    """No reset header: pause an hour after the count was learned, then look again."""
    paused = pace(quota(3, reset_at=None), reserve=200, now=NOW)
    assert paused.paused_until == NOW - timedelta(minutes=1) + UNKNOWN_RESET_PAUSE
    later = pace(quota(3, reset_at=None), reserve=200, now=paused.paused_until)
    assert (later.factor, later.paused) == (1.0, False)
    assert later.reason == "looking again: Arena gave no usable reset time"
    assert "looks again within the hour" in paused.reason


@pytest.mark.parametrize("reset_at", [datetime(2100, 1, 1, tzinfo=UTC), NOW + timedelta(hours=25)])
def test_a_reset_more_than_a_day_away_counts_as_unknown(reset_at: datetime) -> None:
    """A garbled reset header (year 2100) pauses an hour, not until then; then looks again."""
    paused = pace(quota(0, reset_at=reset_at), reserve=200, now=NOW)
    assert paused.paused_until == NOW - timedelta(minutes=1) + UNKNOWN_RESET_PAUSE
    assert paused.reason.startswith("paused: Arena's daily request quota is spent")
    later = pace(quota(0, reset_at=reset_at), reserve=200, now=paused.paused_until)
    assert not later.paused


def test_a_reserve_of_zero_pauses_only_when_nothing_is_left() -> None:
    """`ARENA_QUOTA_RESERVE=0`: poll to the last request, slow never."""
    assert not pace(quota(1), reserve=0, now=NOW).paused
    assert pace(quota(1), reserve=0, now=NOW).factor == 1.0
    assert pace(quota(0), reserve=0, now=NOW).paused
