"""Runs by number (`IMPORT 14`, `latest`) or by two GUIDs in either order, an import's newest
runs, the imports with theirs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from bot.answer.names import containing
from bot.arena.client import MAX_PAGE_SIZE, ArenaClient
from bot.arena.errors import ArenaError, ArenaNotFound, RunNumberNotFound
from bot.arena.models import ImportRun
from bot.cards import Message, runs_list
from bot.cards.imports import PAGE_SIZE, imports_list
from bot.deps import Deps
from bot.runs.definitions import REFRESH_AFTER, Definitions, newest_run

T = TypeVar("T")


async def run_by_number(
    arena: ArenaClient, import_guid: str, number: int | None, *, name: str | None = None
) -> ImportRun:
    """The run with this number (`GET …/runs?number=`), or the newest one when `number` is None;
    `name`: the import as the person named it, for the sentence when there is no such run."""
    if number is None:
        newest = await newest_run(arena, import_guid)
        if newest is None:
            raise RunNumberNotFound(import_guid, None, name=name)
        return newest
    runs = await arena.list_runs(import_guid, number=number, limit=1)
    # Should Arena ignore the filter, the page holds some other run: never show that one.
    for run in runs:
        if run.number == number:
            return run
    raise RunNumberNotFound(import_guid, number, name=name)


async def either_way(
    definitions: Definitions,
    import_guid: str,
    run_guid: str,
    fetch: Callable[[str, str], Awaitable[T]],
) -> tuple[T, bool]:
    """`fetch(import_guid, run_guid)`; when Arena finds nothing and `run_guid` may be an import,
    `fetch(run_guid, import_guid)`, True: the person gave the two GUIDs the other way round
    (`import_first` says so). Found neither way: the first way's error. The one way for
    `/importrun`, the message shortcut and the command line."""
    try:
        return await fetch(import_guid, run_guid), False
    except ArenaNotFound as exc:
        if not await _may_be_import(definitions, run_guid):
            raise
        try:
            return await fetch(run_guid, import_guid), True
        except ArenaNotFound:
            raise exc from None


def import_first(command: str, import_guid: str, run_guid: str) -> str:
    """The hint shown with a run found from two GUIDs given the other way round (mrkdwn)."""
    return f"The import comes first: `{command} {import_guid} {run_guid}`."


async def _may_be_import(definitions: Definitions, guid: str) -> bool:
    """Whether `guid` may be an import's: one in the definitions list (read again when older
    than REFRESH_AFTER and without it, as for names: a definition made since), or any when the
    list holds only the first page (past 400 definitions) or cannot be read."""
    try:
        await definitions.all()
        if definitions.cached(guid) is None and definitions.complete:
            await definitions.all(fresher_than=REFRESH_AFTER)
    except ArenaError:
        return True
    return definitions.cached(guid) is not None or not definitions.complete


async def recent_runs(deps: Deps, import_guid: str) -> Message:
    """The import definition's name (from the definitions list) and its ten newest runs."""
    # gather, not a TaskGroup: the first ArenaError itself must reach the one error funnel.
    # A full page (one request whatever its size): the runs list's order is not documented.
    definition, runs = await asyncio.gather(
        deps.definitions.definition(import_guid),
        deps.arena.list_runs(import_guid, limit=MAX_PAGE_SIZE),
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
