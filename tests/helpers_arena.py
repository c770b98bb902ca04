"""Test helpers: an `ArenaClient` over its own `httpx.AsyncClient`, both closed afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bot.arena.client import ArenaClient
from bot.demo.sim_state import SimulatedWorkspace

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


FAR_IMPORT_GUID = "FAR00000000000000401"
FAR_RUN_GUID = "LR000000000000000001"
FAR_SECOND_RUN_GUID = "LR000000000000000002"


def past_the_first_page(workspace: SimulatedWorkspace) -> None:
    """400 definitions more, then "Far load" with two finished runs: past the first page of
    `GET /imports` (400), so the bot's cached list holds neither it nor every definition."""
    for n in range(400):
        workspace.add_import({"guid": f"PAGE{n:016d}", "number": 1000 + n, "name": f"Page {n}"})
    workspace.add_import({"guid": FAR_IMPORT_GUID, "number": 2000, "name": "Far load"})
    for number, guid in enumerate((FAR_RUN_GUID, FAR_SECOND_RUN_GUID), start=1):
        workspace.add_run(
            FAR_IMPORT_GUID,
            {
                "guid": guid,
                "number": number,
                "status": "COMPLETE",
                "creationDateTime": "2024-03-01T08:00:00Z",
                "completionDateTime": "2024-03-01T08:03:00Z",
                "totalCount": 10,
                "successCount": 10,
                "errorCount": 0,
            },
        )
