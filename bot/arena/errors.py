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
    """The import exists but has no run with that number (or no run at all)."""


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
