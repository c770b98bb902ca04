"""Arena's daily request quota, as its response headers report it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

REMAINING_HEADER = "X-Arena-Requests-Remaining"
RESET_HEADER = "X-Arena-Next-Request-Limit-Reset"

# "(PDT)" and similar comments carry nothing the numeric offset does not.
_COMMENT = re.compile(r"\([^)]*\)")
# "GMT-0700", "UTC+01:00": a zone name glued to an offset that email.utils cannot read.
_NAMED_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})?\b", re.IGNORECASE)
# "02-May-2014": the RFC 850 date form, with or without a two-digit year.
_DASHED_DATE = re.compile(r"\b(\d{1,2})-([A-Za-z]{3})-(\d{2,4})\b")


@dataclass(frozen=True)
class Quota:
    """What is known about the workspace's request quota, from the last response."""

    remaining: int | None = None
    reset_at: datetime | None = None
    reset_raw: str | None = None
    limit: int | None = None
    updated_at: datetime | None = None

    def updated(self, headers: Mapping[str, str], *, now: datetime) -> Quota:
        """This quota after a response with `headers`; absent headers keep what was known."""
        remaining = _parse_int(headers.get(REMAINING_HEADER))
        raw = (headers.get(RESET_HEADER) or "").strip()
        if remaining is None and not raw:
            return self
        return replace(
            self,
            remaining=self.remaining if remaining is None else remaining,
            reset_raw=raw or self.reset_raw,
            reset_at=parse_reset(raw) if raw else self.reset_at,
            updated_at=now,
        )


def parse_reset(value: str) -> datetime | None:
    """Read a reset time in Arena's odd form, RFC 1123 or ISO 8601; None when hopeless."""
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), UTC)
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    text = _COMMENT.sub(" ", text)
    text = _NAMED_OFFSET.sub(_offset, text)
    text = _DASHED_DATE.sub(r"\1 \2 \3", text)
    try:
        return _aware(parsedate_to_datetime(" ".join(text.split())))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _offset(match: re.Match[str]) -> str:
    sign, hours, minutes = match.groups()
    return f"{sign}{int(hours):02d}{minutes or '00'}"


def _aware(moment: datetime) -> datetime:
    # Arena's date-times are UTC; a bare one is read as such.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None
