"""Test helpers: an `ArenaClient` over its own `httpx.AsyncClient`, both closed afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bot.arena.client import ArenaClient

EMAIL = "integration@example.com"
PASSWORD = "demo-password"
WORKSPACE_ID = 123456789
USER_AGENT = "importrun-bot-tests"


@asynccontextmanager
async def open_arena(
    base_url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 5.0,
    email: str = EMAIL,
    password: str = PASSWORD,
    workspace_id: int | None = WORKSPACE_ID,
    event_hooks: dict[str, list[Any]] | None = None,
    **options: Any,
) -> AsyncIterator[ArenaClient]:
    """Yield an `ArenaClient` for `base_url`; log out and close the HTTP client at the end."""
    async with httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        event_hooks=event_hooks,
    ) as http:
        client = ArenaClient(
            http, email=email, password=password, workspace_id=workspace_id, **options
        )
        try:
            yield client
        finally:
            await client.close()
