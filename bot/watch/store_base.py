"""`Primitives`: what each store back end supplies, the ground the store's queries stand on."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

Row = dict[str, Any]
Step = tuple[str, Sequence[Any]]


class Primitives(ABC):
    """A back end's five primitives (`_rows`, `_write`, `_atomic`, `_locked_token`, `close`)."""

    @abstractmethod
    async def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """The rows a query returns, as dicts."""

    @abstractmethod
    async def _write(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run one statement; how many rows it changed."""

    @abstractmethod
    async def _atomic(self, steps: Iterable[Step]) -> None:
        """Run the statements in one transaction."""

    @abstractmethod
    async def _locked_token(
        self, account: str, failed: str | None, login: Callable[[], Awaitable[str]]
    ) -> str:
        """Under a lock across processes: the stored token, or `login()`'s if it was `failed`."""

    @abstractmethod
    async def close(self) -> None:
        """Close the database."""

    async def _one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        rows = await self._rows(sql, args)
        return rows[0] if rows else None
