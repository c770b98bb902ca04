"""`/importrun status`: Arena reachable?, the quota, how polling goes, each import's last error."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.arena.errors import ArenaError
from bot.cards import Message
from bot.cards.common import section
from bot.cards.text import escape, inline, plural, slack_date
from bot.deps import Deps
from bot.runs.explain import explain
from bot.watch.store import Store

_IMPORT_GUID = re.compile(r"\bimport ([0-9A-Z]{20})\b")


async def status(deps: Deps) -> Message:
    """Arena reachable?, requests left and the reset, polling state, watches and subscriptions."""
    try:
        await deps.arena.login()
        reach = "Arena: reachable, signed in."
    except ArenaError as exc:
        reach = f"Arena: {explain(exc)}"
        if wait := deps.arena.login_gate.closed_for:
            reach += f" The bot tries to sign in again in {wait:.0f} s."
    quota = deps.arena.quota
    left = f"{quota.remaining:,}" if quota.remaining is not None else "unknown (no request yet)"
    limit = f" of {quota.limit:,}" if quota.limit else ""
    reset = f", resets {slack_date(quota.reset_at)}" if quota.reset_at else ""
    lines = [reach, f"Requests left today: {left}{limit}{reset}."]
    if deps.poller is not None and deps.store is not None and not deps.poller.leading():
        # Another replica polls: this one's poller has nothing to tell, the database has.
        beat = await deps.store.last_heartbeat()
        last = slack_date(datetime.fromtimestamp(beat, UTC)) if beat is not None else "not yet"
        lines.append(
            "Polling: by another process of the bot, which holds the poller's lease (this one "
            f"answers people, and takes over if that lease lapses); last poll {last}."
        )
        lines.append(await _pending(deps.store))
    elif deps.poller is not None and deps.store is not None:
        poller = deps.poller
        last = slack_date(poller.last_poll_at) if poller.last_poll_at else "not yet"
        paced = poller.pace
        until = f" until {slack_date(paced.paused_until)}" if paced.paused_until else ""
        lines.append(f"Polling: {paced.reason}{until}; last poll {last}.")
        problems = poller.problems()
        if problems:
            lines.append("Last errors:")
            lines += [f"• {await _with_names(deps, escape(line))}" for line in problems[:10]]
        lines.append(await _pending(deps.store))
    text = "\n".join(lines)
    return Message(text=text, blocks=[section(text)])


async def _pending(store: Store) -> str:
    """How many watches and subscriptions the database holds (every replica's)."""
    watches, subscriptions = len(await store.pending_watches()), len(await store.subscriptions())
    return f"Pending: {plural(watches, 'watched run')}, {plural(subscriptions, 'subscription')}."


async def _with_names(deps: Deps, line: str) -> str:
    """A status line with each `import GUID` it names given as the import's name when known."""
    for guid in set(_IMPORT_GUID.findall(line)):
        name = await deps.definitions.name_of(guid)
        if name:
            line = line.replace(f"import {guid}", f"*{inline(name, 200)}*")
    return line
