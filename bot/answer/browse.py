"""Runs by number (`IMPORT 14`, `latest`), an import's newest runs, the imports with theirs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.answer.names import containing
from bot.arena.client import ArenaClient
from bot.arena.errors import RunNumberNotFound
from bot.arena.models import ImportRun
from bot.cards import Message, runs_list
from bot.cards.imports import PAGE_SIZE, imports_list
from bot.deps import Deps

# One page costs one request whatever its size: the runs list's order is not documented,
# so the newest runs are picked from a full page rather than trusted to come first.
PAGE = 400


async def run_by_number(arena: ArenaClient, import_guid: str, number: int | None) -> ImportRun:
    """The run with this number (`GET …/runs?number=`), or the newest one when `number` is None."""
    if number is None:
        runs = await arena.list_runs(import_guid, limit=PAGE)
        if not runs:
            raise RunNumberNotFound(f"Import {import_guid} has no runs yet.")
        return runs[0]
    runs = await arena.list_runs(import_guid, number=number, limit=1)
    # Should Arena ignore the filter, the page holds some other run: never show that one.
    for run in runs:
        if run.number == number:
            return run
    raise RunNumberNotFound(f"Import {import_guid} has no run #{number}.")


async def recent_runs(deps: Deps, import_guid: str) -> Message:
    """The import definition's name (from the definitions list) and its ten newest runs."""
    # gather, not a TaskGroup: the first ArenaError itself must reach the one error funnel.
    definition, runs = await asyncio.gather(
        deps.definitions.definition(import_guid), deps.arena.list_runs(import_guid, limit=PAGE)
    )
    return runs_list(definition, runs, now=datetime.now(UTC))


async def imports(deps: Deps, text: str, page: int = 0) -> Message:
    """One page of the definitions whose name contains `text`, each with its newest run: one
    runs read per definition on the page, none for those read in the last minute."""
    found = containing(await deps.definitions.all(), text)
    page = min(max(page, 0), max(0, len(found) - 1) // PAGE_SIZE)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    newest = await deps.definitions.newest_runs(shown)
    rows = list(zip(shown, newest, strict=True))
    return imports_list(text, rows, total=len(found), page=page, now=datetime.now(UTC))
