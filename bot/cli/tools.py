"""`show` and `post`: one run's card on the terminal, or in a channel once the run is done."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TextIO

from bot.answer import browse, names
from bot.answer.commands import ShowRun, ShowRunNumber, parse
from bot.arena.errors import ArenaAuthError, ArenaError, InvalidGuid
from bot.arena.models import ImportRun
from bot.cards.common import run_name
from bot.cli.outcome import FAILED, OK, RUN_FAILED, USAGE, Refused
from bot.cli.slack_post import delete_note, post_message, waiting_note
from bot.cli.waiting import Sleep, wait_until_finished
from bot.deps import Deps
from bot.runs.definitions import Definitions
from bot.runs.explain import explain
from bot.runs.messages import PUBLIC_BUTTONS, card_for
from bot.settings import Settings, SettingsError
from bot.terminal.mrkdwn import plain_text
from bot.terminal.render import render_message
from bot.watch.store import DatabaseError
from bot.wiring import Runtime, open_runtime, stored_session

logger = logging.getLogger(__name__)

RunRef = ShowRun | ShowRunNumber
USAGE_LINE = "Usage: IMPORT RUN, where IMPORT is a name, number, GUID or Arena link and RUN is "
USAGE_LINE += "a run number, latest or a GUID."
# `check` is the command line's list of the definitions (the first ten, and how many more).
UNKNOWN_NAME_HINT = "importrun-bot check names up to ten of them."


def run_ref(import_ref: str, run: str | None) -> RunRef:
    """`IMPORT RUN` as in Slack (`IMPORT latest`, `IMPORT 14`, names) or one Arena URL naming
    both; `Refused` otherwise."""
    # The shell already grouped a name with spaces into one argument: quote it for the grammar.
    imp = f'"{import_ref}"' if len(import_ref.split()) > 1 else import_ref
    command = parse(" ".join(part for part in (imp, run) if part))
    if not isinstance(command, ShowRun | ShowRunNumber):
        problem = getattr(command, "problem", None) or "Give the run too."
        raise Refused(f"{plain_text(problem)} {USAGE_LINE}", USAGE)
    return command


async def resolved(definitions: Definitions, ref: RunRef) -> tuple[str, str | None]:
    """The import's GUID and its name if named so; a name that matches no import, or several,
    is a usage error."""
    try:
        return await names.resolve_named(definitions, ref.import_ref)
    except names.UnknownName as exc:
        said = names.unknown_sentence(exc, hint=UNKNOWN_NAME_HINT, markup=False)
        raise Refused(said, USAGE) from None
    except names.AmbiguousName as exc:
        listed = "; ".join(f"“{d.name}” ({d.guid})" for d in exc.matches[:10])
        raise Refused(f"Several import definitions match “{exc.text}”: {listed}.", USAGE) from None


@asynccontextmanager
async def _runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Arena and Slack for one command, in the running bot's Arena session when DATABASE_URL
    keeps one: a login of our own would cancel the bot's session, and our logout end it."""
    async with contextlib.AsyncExitStack() as stack:
        try:
            keeper = await stack.enter_async_context(stored_session(settings))
        except DatabaseError as exc:
            logger.info("%s; using an Arena session of our own", exc)
            keeper = None
        yield await stack.enter_async_context(open_runtime(settings, keeper=keeper))


async def show(settings: Settings, ref: RunRef, *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Print the card of one run: readable text, or Block Kit JSON for the Block Kit Builder."""
    async with _runtime(settings) as runtime:
        deps = runtime.deps
        import_guid, run = await _fetch(deps, ref, "show", err)
        message = await card_for(deps, run, import_guid=import_guid)
    if as_json:
        blocks = message.to_dict()["blocks"]
        print(json.dumps({"blocks": blocks}, indent=2, ensure_ascii=False), file=out)
    else:
        print(render_message(message.to_dict()).text, file=out)
    return OK


async def post(
    settings: Settings,
    ref: RunRef,
    *,
    channel: str,
    wait: bool,
    timeout: float,
    fail_on_errors: bool,
    out: TextIO,
    err: TextIO,
    sleep: Sleep = asyncio.sleep,
) -> int:
    """Post the card to `channel`, first waiting (`wait`) for the run to finish."""
    settings.require("slack_bot_token", "arena_email", "arena_password")  # all named at once
    async with _runtime(settings) as runtime:
        arena, slack = runtime.deps.arena, runtime.slack
        import_guid, run = await _fetch(runtime.deps, ref, "post", err)
        note_ts = None
        if wait and not run.is_finished:
            # Slack is asked first: a wrong token or channel is said now, not after the wait.
            name = await runtime.deps.definitions.name_of(import_guid)
            note_ts = await post_message(slack, channel, waiting_note(run, name))
            try:
                run = await wait_until_finished(
                    arena, import_guid, run, settings, timeout, out, sleep
                )
            finally:
                await delete_note(slack, channel, note_ts)
        message = await card_for(runtime.deps, run, import_guid=import_guid, buttons=PUBLIC_BUTTONS)
        ts = await post_message(slack, channel, message.to_dict())
    print(f"Posted import run {run_name(run)} ({run.status}) to {channel} (ts {ts}).", file=out)
    if fail_on_errors and run.failed:
        failed = f"{run.error_count:,} failed rows" if run.error_count else "status ERROR"
        raise Refused(f"The run had {failed} (--fail-on-errors).", RUN_FAILED)
    return OK


async def _fetch(deps: Deps, ref: RunRef, verb: str, err: TextIO) -> tuple[str, ImportRun]:
    """The import's GUID and the run, as `/importrun` finds them (two GUIDs the other way round
    too, with the same hint on stderr)."""
    import_guid, name = await resolved(deps.definitions, ref)
    try:
        if isinstance(ref, ShowRunNumber):
            return import_guid, await browse.run_by_number(
                deps.arena, import_guid, ref.number, name=name
            )
        run, swapped = await browse.either_way(
            deps.definitions,
            import_guid,
            ref.run_guid,
            lambda imp, run: deps.arena.get_run(imp, run, fresh=True),
        )
    except InvalidGuid as exc:
        raise Refused(str(exc), USAGE) from None
    if swapped:
        import_guid = ref.run_guid
        hint = browse.import_first(f"importrun-bot {verb}", import_guid, run.guid)
        print(f"importrun-bot: {plain_text(hint)}", file=err)
    return import_guid, run


async def guarded(work: Callable[[], Awaitable[int]], err: TextIO) -> int:
    """Run a command; its refusals, Arena's errors and missing settings end in one sentence."""
    try:
        return await work()
    except Refused as exc:
        print(f"importrun-bot: {exc}", file=err)
        return exc.code
    except SettingsError as exc:
        print(f"importrun-bot: {exc}", file=err)
        return USAGE
    except ArenaAuthError as exc:
        # A wrong ARENA_EMAIL, ARENA_PASSWORD or ARENA_WORKSPACE_ID is a wrong setting: 2, as
        # `check` says it.
        print(f"importrun-bot: {plain_text(explain(exc))}", file=err)
        return USAGE
    except ArenaError as exc:
        print(f"importrun-bot: {plain_text(explain(exc))}", file=err)
        return FAILED
