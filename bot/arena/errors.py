"""The small family of errors the Arena adapter raises."""

from __future__ import annotations

from datetime import datetime


class ArenaError(Exception):
    """Arena answered with an error, or with something that is not Arena's JSON."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        arena_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.arena_message = arena_message


class InvalidGuid(ArenaError, ValueError):
    """A GUID that is not 20 characters of [0-9A-Z]; raised before any request."""


class ArenaNotFound(ArenaError):
    """The import, run or change does not exist (or this user may not see it)."""


class RunNumberNotFound(ArenaNotFound):
    """The import exists but has no run numbered `number` (None: no run at all); `name` is the
    import as the person named it, None when they gave its GUID."""

    def __init__(self, import_guid: str, number: int | None, *, name: str | None = None) -> None:
        which = "no runs yet" if number is None else f"no run #{number}"
        super().__init__(f"import {import_guid} has {which}")
        self.import_guid = import_guid
        self.number = number
        self.name = name


class ArenaAuthError(ArenaError):
    """Arena refused the integration user's login or session."""


class ArenaPermissionError(ArenaError):
    """The integration user lacks the privilege for this request (HTTP 403)."""


class ArenaQuotaExceeded(ArenaError):
    """The workspace's daily request quota is spent until `reset_at`."""

    def __init__(
        self,
        message: str,
        *,
        reset_at: datetime | None = None,
        status: int | None = 429,
        code: int | None = None,
        arena_message: str | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code, arena_message=arena_message)
        self.reset_at = reset_at


class ArenaUnavailable(ArenaError):
    """Arena could not be reached, timed out, or answered with a 5xx."""


class ArenaUnreadable(ArenaError):
    """Arena's answer lacks what the bot cannot do without, or is not JSON; `sent` says what."""

    def __init__(self, what: str, sent: str, *, status: int | None = None) -> None:
        super().__init__(f"Arena sent {what} that could not be read: {sent}", status=status)
        self.what = what
        self.sent = sent


class ArenaTooLarge(ArenaError):
    """An answer above ARENA_MAX_BODY_BYTES: not read, not cached."""

    def __init__(self, limit: int, *, status: int | None = None) -> None:
        super().__init__(f"Arena sent an answer larger than {limit:,} bytes", status=status)
        self.limit = limit


class FairUseExceeded(ArenaError):
    """One person's commands asked Arena for more than their share this minute."""

    def __init__(self, per_minute: int, retry_after: float) -> None:
        super().__init__(f"more than {per_minute} Arena requests in a minute")
        self.per_minute = per_minute
        self.retry_after = retry_after
