"""Choosing an import: among several matches, from the `imports` list (and its pages), in the
modal's select."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot import ids
from bot.answer import ask_run
from bot.answer.commands import ListImports, ListRuns, parse
from bot.answer.dispatch import answer
from bot.answer.names import containing
from bot.arena.errors import ArenaError
from bot.cards.imports import parse_page_value
from bot.deps import Deps
from bot.runs.messages import Asker


async def on_choose(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, deps: Deps) -> None:
    """Choose, next to one of several matching imports: the command again, with that import."""
    await ack()
    command = parse(str(body["actions"][0].get("value", "")))
    message = await answer(deps, command, Asker.of_action(body))
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=True)


async def on_recent_runs(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Recent runs, in the `imports` list: that import's newest runs."""
    await ack()
    import_guid = str(body["actions"][0].get("value", ""))
    message = await answer(deps, ListRuns(import_guid), Asker.of_action(body))
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=False)


async def on_imports_page(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Previous / Next under the `imports` list: that page of it, in its place."""
    await ack()
    text, page = parse_page_value(str(body["actions"][0].get("value", "")))
    message = await answer(deps, ListImports(text, page), Asker.of_action(body))
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=True)


async def on_import_options(ack: AsyncAck, payload: dict[str, Any], deps: Deps) -> None:
    """The modal's import select: the cached definitions whose name holds what was typed."""
    try:
        listed = await deps.definitions.all()
    except ArenaError:
        # Slack shows "no options"; the person can still paste a link in the run field.
        await ack(options=[])
        return
    typed = str(payload.get("value") or "")
    await ack(options=ask_run.import_options(containing(listed, typed)))


def register(app: AsyncApp) -> None:
    """Attach the Choose, Recent runs, Previous and Next buttons and the import select's
    options."""
    app.action(ids.ACTION_CHOOSE_IMPORT)(on_choose)
    app.action(ids.ACTION_LIST_RUNS)(on_recent_runs)
    app.action(ids.ACTION_IMPORTS_PAGE)(on_imports_page)
    app.options(ids.ACTION_PICK_IMPORT)(on_import_options)
