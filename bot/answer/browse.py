"""Runs by number (`IMPORT 14`, `latest`), an import's newest runs, the imports with theirs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.answer.names import containing
from bot.arena.client import ArenaClient
from bot.arena.errors import ArenaError, RunNumberNotFound
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards import Message, runs_list
from bot.cards.imports import MAX_IMPORTS, Newest, imports_list
from bot.deps import Deps

# One page costs one request whatever its size: the runs list's order is not documented,
# so the newest runs are picked from a full page rather than trusted to come first.
PAGE = 400


async def run_by_number(
    arena: ArenaClient, import_guid: str, number: int | None, *, name: str | None = None
) -> ImportRun:
    """The run with this number (`GET …/runs?number=`), or the newest one when `number` is None;
    `name`: the import as the person named it, for the sentence when there is no such run."""
    if number is None:
        runs = await arena.list_runs(import_guid, limit=PAGE)
        if not runs:
            raise RunNumberNotFound(import_guid, None, name=name)
        return runs[0]
    runs = await arena.list_runs(import_guid, number=number, limit=1)
    # Should Arena ignore the filter, the page holds some other run: never show that one.
    for run in runs:
        if run.number == number:
            return run
    raise RunNumberNotFound(import_guid, number, name=name)


async def recent_runs(arena: ArenaClient, import_guid: str) -> Message:
    """The import definition's name and its ten newest runs, each with a Show button."""
    # gather, not a TaskGroup: the first ArenaError itself must reach the one error funnel.
    definition, runs = await asyncio.gather(
        arena.get_import(import_guid), arena.list_runs(import_guid, limit=PAGE)
    )
    return runs_list(definition, runs, now=datetime.now(UTC))


async def imports(deps: Deps, text: str) -> Message:
    """The definitions whose name contains `text`, each with its newest run (read at once)."""
    found = containing(await deps.definitions.all(), text)
    shown = found[:MAX_IMPORTS]
    # One runs list per definition shown, all at once; one that fails leaves the others shown.
    newest = await asyncio.gather(
        *(deps.arena.list_runs(d.guid, limit=PAGE) for d in shown), return_exceptions=True
    )
    rows: list[tuple[ImportDefinition, Newest]] = []
    for definition, runs in zip(shown, newest, strict=True):
        if isinstance(runs, ArenaError):
            rows.append((definition, runs))
        elif isinstance(runs, BaseException):
            raise runs
        else:
            rows.append((definition, runs[0] if runs else None))
    return imports_list(text, rows, total=len(found), now=datetime.now(UTC))
