"""The Arena session token kept in the store, shared by every process on one database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.watch.store import Store


def session_account(email: str, api_url: str, workspace_id: int | None) -> str:
    """Whose session a token is: one per user, Arena and workspace."""
    return f"{email} {api_url.rstrip('/')} {workspace_id or ''}".strip()


@dataclass(frozen=True)
class StoredSession:
    """A `bot.arena.session.SessionKeeper` over the store's `arena_sessions` table."""

    store: Store
    account: str

    async def load(self) -> str | None:
        """The stored token, if any."""
        return await self.store.arena_token(self.account)

    async def replace(self, failed: str | None, login: Callable[[], Awaitable[str]]) -> str:
        """Another process's newer token, or `login()`'s (stored), one process at a time."""
        return await self.store.replace_arena_token(self.account, failed, login)
