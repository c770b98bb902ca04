"""Commands become messages: the one place where an Arena error becomes a sentence."""

from __future__ import annotations

import logging
from typing import assert_never

from bot.answer import browse, notify
from bot.answer.commands import (
    Command,
    Help,
    ListRuns,
    ListWatches,
    ShowRun,
    ShowRunNumber,
    Status,
    Subscribe,
    Unsubscribe,
    WatchRun,
)
from bot.arena.errors import ArenaError
from bot.cards import Message, error_message, help_message
from bot.deps import Deps
from bot.runs.messages import Asker, card_for, explain, run_message

logger = logging.getLogger(__name__)


async def answer(deps: Deps, command: Command, asker: Asker) -> Message:
    """The reply to a person's command; Arena failures become one sentence."""
    try:
        return await _answer(deps, command, asker)
    except ArenaError as exc:
        logger.info("%s: %s", type(command).__name__, exc)
        return error_message(explain(exc), markup=True)


async def _answer(deps: Deps, command: Command, asker: Asker) -> Message:
    match command:
        case ShowRun(import_guid=import_guid, run_guid=run_guid):
            return await run_message(deps, import_guid, run_guid)
        case ShowRunNumber(import_guid=import_guid, number=number):
            run = await browse.run_by_number(deps.arena, import_guid, number)
            return await card_for(deps, run, import_guid=import_guid)
        case ListRuns(import_guid=import_guid):
            return await browse.recent_runs(deps.arena, import_guid)
        case WatchRun(import_guid=import_guid, run_guid=run_guid):
            return await notify.watch(deps, asker, import_guid, run_guid)
        case Subscribe():
            return await notify.subscribe(deps, asker, command)
        case Unsubscribe(import_guid=import_guid):
            return notify.unsubscribe(deps, asker, import_guid)
        case ListWatches():
            return notify.list_here(deps, asker)
        case Status():
            return await notify.status(deps)
        case Help(problem=problem):
            return help_message(problem)
        case _:
            assert_never(command)
