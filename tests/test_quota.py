"""Arena's quota headers: the odd reset format and friends, and what a response updates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from bot.arena.quota import Quota, parse_reset

PDT = timezone(timedelta(hours=-7))
MAY_2 = datetime(2014, 5, 2, 21, 22, 13, tzinfo=UTC)
NOW = datetime(2025, 3, 4, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)",
        "Fri, 02-May-2014 14:22:13 GMT-07:00",
        "Fri, 02-May-14 14:22:13 PDT",
        "Friday, 02-May-2014 14:22:13 GMT-0700 (Pacific Daylight Time)",
        "Fri May 02 2014 14:22:13 GMT-0700 (PDT)",
        "Fri, 02 May 2014 21:22:13 GMT",
        "Fri, 02 May 2014 14:22:13 -0700",
        "2014-05-02T21:22:13Z",
        "2014-05-02T14:22:13-07:00",
        "2014-05-02 21:22:13",
        "  1399065733 ",
    ],
)
def test_parse_reset_reads_the_same_moment_in_every_form(value: str) -> None:
    """Arena's documented odd format, RFC 1123, ISO 8601 and epoch seconds all parse."""
    parsed = parse_reset(value)
    assert parsed == MAY_2
    assert parsed is not None
    assert parsed.tzinfo is not None


def test_parse_reset_keeps_arena_offset() -> None:
    """The offset Arena sent is kept, not converted away."""
    assert parse_reset("Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)") == datetime(
        2014, 5, 2, 14, 22, 13, tzinfo=PDT
    )


@pytest.mark.parametrize("value", ["", "   ", "soon", "Fri, 99-Foo-2014 14:22:13", "(PDT)"])
def test_parse_reset_gives_up_quietly(value: str) -> None:
    """Hopeless values give None, never an exception."""
    assert parse_reset(value) is None


def test_updated_reads_headers_case_insensitively() -> None:
    """Both headers are read whatever their case, the raw reset text is kept."""
    headers = httpx.Headers(
        {
            "x-arena-requests-remaining": " 41 ",
            "X-ARENA-NEXT-REQUEST-LIMIT-RESET": "Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)",
        }
    )
    quota = Quota(limit=1000).updated(headers, now=NOW)
    assert quota == Quota(
        remaining=41,
        reset_at=MAY_2,
        reset_raw="Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)",
        limit=1000,
        updated_at=NOW,
    )


def test_updated_keeps_what_a_response_does_not_say() -> None:
    """A missing reset header keeps the previous reset; no quota headers change nothing."""
    before = Quota(remaining=10, reset_at=MAY_2, reset_raw="x", limit=1000, updated_at=None)
    assert before.updated(httpx.Headers(), now=NOW) is before
    after = before.updated(httpx.Headers({"X-Arena-Requests-Remaining": "9"}), now=NOW)
    assert (after.remaining, after.reset_at, after.reset_raw, after.updated_at) == (
        9,
        MAY_2,
        "x",
        NOW,
    )


def test_updated_keeps_an_unparseable_reset_raw() -> None:
    """An unreadable reset time is kept as text for people to read, with no datetime."""
    headers = httpx.Headers({"X-Arena-Next-Request-Limit-Reset": "tomorrow-ish"})
    quota = Quota(reset_at=MAY_2).updated(headers, now=NOW)
    assert (quota.reset_at, quota.reset_raw) == (None, "tomorrow-ish")
