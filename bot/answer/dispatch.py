"""Commands become messages: the one place where an Arena error becomes a sentence."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import assert_never

from bot.answer import browse, names, notify, status
from bot.answer.commands import (
    Command,
    Help,
    ListImports,
    ListRuns,
    ListWatches,
    NamesImport,
    ShowRun,
    ShowRunNumber,
    Status,
    Subscribe,
    Unsubscribe,
    WatchRun,
    to_text,
    with_import,
)
from bot.arena.errors import ArenaError
from bot.arena.models import ImportDefinition
from bot.cards import Message, error_message, help_message
from bot.cards.imports import import_choices
from bot.deps import Deps
from bot.runs.explain import explain
from bot.runs.messages import Asker, Reply, card_reply, run_reply

logger = logging.getLogger(__name__)

UNKNOWN_NAME_HINT = "`/importrun imports` lists them."
"""Said after the sentence for a name no definition has: where the names are."""


async def answer(deps: Deps, command: Command, asker: Asker) -> Message:
    """The whole reply to a person's command (a card with its change link); see `reply`."""
    first = await reply(deps, command, asker)
    better = await first.later() if first.later is not None else None
    return better or first.message


async def reply(deps: Deps, command: Command, asker: Asker) -> Reply:
    """The reply to send at once (a run's card after one Arena round trip) and its follow-up.

    Arena failures and unknown names become one sentence.
    """
    try:
        return await _reply(deps, command, asker)
    except names.AmbiguousName as exc:
        assert not isinstance(command, ListImports | ListWatches | Status | Help)
        # Each Choose gives the command again with the definition's number (`#3`) where it has
        # one: an answer about it then names it ("Import “BOM load” has no run #99.").
        options = [(d, to_text(with_import(command, _chosen(d)))) for d in exc.matches]
        return Reply(import_choices(exc.text, options))
    except names.UnknownName as exc:
        return Reply(
            error_message(names.unknown_sentence(exc, hint=UNKNOWN_NAME_HINT), markup=True)
        )
    except ArenaError as exc:
        logger.info("%s: %s", type(command).__name__, exc)
        return Reply(error_message(explain(exc), markup=True))


def _chosen(definition: ImportDefinition) -> str:
    """How a Choose button names one of several matching definitions: `#N`, else its GUID."""
    return definition.guid if definition.number is None else f"#{definition.number}"


async def _guid(deps: Deps, command: NamesImport) -> str:
    return await names.resolve(deps.definitions, command.import_ref)


async def _reply(deps: Deps, command: Command, asker: Asker) -> Reply:
    match command:
        case ShowRun(run_guid=run_guid):
            return await _show_run(deps, await _guid(deps, command), run_guid)
        case ShowRunNumber(number=number):
            import_guid, named = await names.resolve_named(deps.definitions, command.import_ref)
            # The name comes with the run, not after it ("" when Arena cannot say).
            run, name = await asyncio.gather(
                browse.run_by_number(deps.arena, import_guid, number, name=named),
                deps.definitions.name_of(import_guid),
            )
            return card_reply(deps, run, import_guid=import_guid, name=name or "")
        case ListRuns():
            return Reply(await browse.recent_runs(deps, await _guid(deps, command)))
        case WatchRun(run=run):
            import_guid, named = await names.resolve_named(deps.definitions, command.import_ref)
            return Reply(await notify.watch(deps, asker, import_guid, run, name=named))
        case Subscribe():
            subscribe = with_import(command, await _guid(deps, command))
            return Reply(await notify.subscribe(deps, asker, subscribe))
        case Unsubscribe():
            return Reply(await notify.unsubscribe(deps, asker, await _guid(deps, command)))
        case ListImports(text=text, page=page):
            return Reply(await browse.imports(deps, text, page))
        case ListWatches():
            return Reply(await notify.list_here(deps, asker))
        case Status():
            return Reply(await status.status(deps))
        case Help(problem=problem, markup=markup):
            # A mistake costs no request: its examples come from the list if already read.
            examples = await names.example_names(deps.definitions, ask_arena=problem is None)
            return Reply(help_message(problem, examples, markup=markup))
        case _:
            assert_never(command)


async def _show_run(deps: Deps, import_guid: str, run_guid: str) -> Reply:
    """The run's card; two GUIDs given the other way round are shown with a hint."""

    def card(imp: str, run: str) -> Awaitable[Reply]:
        hint = browse.import_first("/importrun", imp, run) if imp != import_guid else None
        return run_reply(deps, imp, run, note=hint)

    reply, _ = await browse.either_way(deps.definitions, import_guid, run_guid, card)
    return reply
