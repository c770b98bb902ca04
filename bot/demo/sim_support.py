"""Building blocks of the Arena simulator: clocks, quota, stats, Arena's formats and errors."""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

PACIFIC = ZoneInfo("America/Los_Angeles")
MAX_LIMIT = 400
DEFAULT_LIMIT = 20

MSG_BAD_FORMAT = "The format of the request is not valid. Please check the syntax."
MSG_NO_TOKEN = (
    "There is no access token associated with this request or the access token is not valid."
)
MSG_NO_RESOURCE = "No resource has been found."
MSG_UNAVAILABLE = "The service is currently unavailable."
MSG_SYSTEM_ERROR = "Sorry, a system error occurred, please try again."
MSG_FORBIDDEN = "You do not have the privileges to perform this action."
MSG_LOGIN_FAILED = (
    "The username, password or workspace ID is not valid or you are not allowed to log in "
    "due to IP restriction."
)
MSG_BAD_PAGING = "Limit must be 1-400, offset must equal or bigger than 0."

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def system_clock() -> datetime:
    """The wall clock as an aware UTC datetime."""
    return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until `advance()` moves it; returns aware UTC datetimes."""

    def __init__(self, start: datetime | None = None) -> None:
        # Default: the current second, so simulated times stay near the bot's own clock.
        when = start if start is not None else datetime.now(UTC).replace(microsecond=0)
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def __call__(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by `seconds` and return the new time."""
        self._now += timedelta(seconds=seconds)
        return self._now


@dataclass
class SimulatorStats:
    """What the simulator has served; `requests` counts every request except login."""

    logins: int = 0
    logouts: int = 0
    requests: int = 0
    by_route: Counter[str] = field(default_factory=Counter)


def zulu(moment: datetime) -> str:
    """Arena's date-time format: `2014-07-07T23:19:46Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def arena_reset_format(moment: datetime) -> str:
    """Arena's quota reset format in Pacific time: `Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)`."""
    local = moment.astimezone(PACIFIC)
    day = _DAYS[local.weekday()]
    month = _MONTHS[local.month - 1]
    return (
        f"{day}, {local.day:02d}-{month}-{local.year} {local:%H:%M:%S} "
        f"GMT{local:%z} ({local.tzname()})"
    )


def next_pacific_midnight(moment: datetime) -> datetime:
    """The first midnight in US Pacific time after `moment`, in UTC."""
    tomorrow = moment.astimezone(PACIFIC).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PACIFIC).astimezone(UTC)


@dataclass
class Quota:
    """The workspace's daily request budget, refilled at midnight Pacific."""

    limit: int
    remaining: int
    reset_at: datetime

    def refresh(self, now: datetime) -> None:
        """Refill the budget once the reset time has passed."""
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = next_pacific_midnight(now)

    def spend(self, now: datetime) -> None:
        """Take one request from the budget, or raise Arena's 429 when it is spent."""
        self.refresh(now)
        if self.remaining <= 0:
            raise ArenaHTTPError(429, 4084, self.exceeded_message())
        self.remaining -= 1

    def exceeded_message(self) -> str:
        """Arena's error 4084 text."""
        return (
            f'You have exceeded your maximum of "{self.limit}" requests during the last '
            f'24 hours. Additional requests can be made at "{arena_reset_format(self.reset_at)}".'
        )

    def headers(self) -> dict[str, str]:
        """The quota headers Arena puts on every response except login."""
        return {
            "X-Arena-Requests-Remaining": str(self.remaining),
            "X-Arena-Next-Request-Limit-Reset": arena_reset_format(self.reset_at),
        }


class ArenaHTTPError(Exception):
    """An Arena error answer: HTTP status plus one `{code, message}` entry."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> web.Response:
        """Arena's error body as a JSON response."""
        body = {"status": self.status, "errors": [{"code": self.code, "message": self.message}]}
        return web.json_response(body, status=self.status)


def invalid_guid(guid: str) -> ArenaHTTPError:
    """Error 3011 for a malformed GUID."""
    return ArenaHTTPError(400, 3011, f'The guid "{guid}" is not valid.')


def object_not_found(guid: str) -> ArenaHTTPError:
    """Error 3012: Arena answers unknown objects with HTTP 400, not 404."""
    return ArenaHTTPError(400, 3012, f'The requested object with guid "{guid}" is not found.')


def simulated_failure(status: int) -> ArenaHTTPError:
    """The error Arena would send with `status`, for `fail_next()`."""
    known = {
        400: (400, MSG_BAD_FORMAT),
        401: (401, MSG_NO_TOKEN),
        403: (403, MSG_FORBIDDEN),
        404: (404, MSG_NO_RESOURCE),
        405: (405, "The method is not allowed."),
        503: (503, MSG_UNAVAILABLE),
    }
    code, message = known.get(status, (3000, MSG_SYSTEM_ERROR))
    return ArenaHTTPError(status, code, message)


def page_params(query: Mapping[str, str]) -> tuple[int, int]:
    """`offset` and `limit` from a query string, checked like Arena (error 3220)."""
    try:
        offset = int(query.get("offset", "0"))
        limit = int(query.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        raise ArenaHTTPError(400, 3220, MSG_BAD_PAGING) from None
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        raise ArenaHTTPError(400, 3220, MSG_BAD_PAGING)
    return offset, limit


def text_matches(value: object, pattern: str) -> bool:
    """Arena-style search: case-insensitive, `*` as a wildcard, otherwise exact."""
    if value is None:
        return False
    return fnmatch.fnmatchcase(
        str(value).lower(), pattern.lower().replace("[", "[[]").replace("?", "[?]")
    )
