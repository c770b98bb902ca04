"""Where the Arena session token lives when several processes share one integration user.

Arena keeps one session per user: a second login cancels the first. Processes that share a
`SessionKeeper` use one token: the stored one, and a new login only when the stored token is
the one that failed (under the keeper's lock), so they never log each other out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class SessionKeeper(Protocol):
    """Loads and replaces the shared session token (the store keeps it in the database)."""

    async def load(self) -> str | None:
        """The stored token, if any."""

    async def replace(self, failed: str | None, login: Callable[[], Awaitable[str]]) -> str:
        """The token to use instead of `failed` (None: none yet): one another process stored
        meanwhile, or `login()`'s, which is stored for the others."""
