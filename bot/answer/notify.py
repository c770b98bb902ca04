"""The answers to watch, subscribe, unsubscribe, list and status."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer import browse
from bot.answer.commands import RunNumber, Subscribe
from bot.arena.models import ImportRun
from bot.cards import CardButton, Message
from bot.cards.common import section
from bot.cards.text import escape, inline, mention
from bot.deps import Deps, Polling
from bot.runs.messages import PRIVATE_BUTTONS, PUBLIC_BUTTONS, Asker, card_for
from bot.runs.posting import CANNOT_POST, slack_error
from bot.watch.store import Store
from bot.watch.subscriptions import ARENA_FORBIDDEN, ARENA_GONE

HOW_TO_INVITE = (
    "I can't post in this channel. Invite me with `/invite @importrun` and try again "
    "(in a DM, use a channel instead)."
)


@dataclass(frozen=True)
class _Running:
    store: Store
    slack: AsyncWebClient
    poller: Polling
    channel: str


def _running(deps: Deps, asker: Asker) -> _Running | Message:
    if deps.store is None or deps.slack is None or deps.poller is None:
        return _say("Watches and subscriptions need the bot's server (`importrun-bot serve`).")
    if not asker.channel_id:
        return _say("Run this in the channel that should hear about the run.")
    return _Running(deps.store, deps.slack, deps.poller, asker.channel_id)


async def _not_theirs(deps: Deps, here: _Running, asker: Asker, import_guid: str) -> Message | None:
    """With ADMIN_USER_IDS set, only an admin or its creator may change a subscription."""
    admins = deps.settings.admin_user_ids
    if not admins or asker.user_id in admins:
        return None
    existing = await here.store.subscription(here.channel, import_guid)
    if existing is None or existing.created_by == asker.user_id:
        return None
    return _say(
        f"Only {mention(existing.created_by)}, who subscribed this channel, or a bot admin "
        "may change or remove this subscription."
    )


def _say(text: str) -> Message:
    """A short reply of the bot's own finished mrkdwn."""
    return Message(text=text, blocks=[section(text)])


async def watch(
    deps: Deps,
    asker: Asker,
    import_guid: str,
    run_ref: str | RunNumber,
    *,
    name: str | None = None,
) -> Message:
    """Post the card in the channel now and remember to update it when the run finishes
    (`name`: the import as the person named it, None when they gave its GUID)."""
    here = _running(deps, asker)
    if isinstance(here, Message):
        return here
    if isinstance(run_ref, RunNumber):
        run = await browse.run_by_number(deps.arena, import_guid, run_ref.number, name=name)
    else:
        run = await deps.arena.get_run(import_guid, run_ref, fresh=True)
    if run.is_finished:
        note = "This run has already finished, so there is nothing to watch."
        return await card_for(
            deps, run, import_guid=import_guid, buttons=PRIVATE_BUTTONS, note=note
        )
    already = await here.store.pending_watch(here.channel, run.guid)
    if already is not None:
        # One card per run and channel: a second "Watching…" card would never be updated.
        await here.store.add_watcher(already.id, asker.user_id)
        return _say(
            f"Run #{run.number} is already watched in this channel; I'll mention you too "
            "when it finishes."
        )
    card = await card_for(
        deps,
        run,
        import_guid=import_guid,
        buttons=PUBLIC_BUTTONS - {CardButton.WATCH},
        note=f"Watching… I'll update this card when the run finishes ({mention(asker.user_id)}).",
    )
    try:
        posted = await here.slack.chat_postMessage(channel=here.channel, **card.to_dict())
    except SlackApiError as exc:
        if slack_error(exc) in CANNOT_POST:
            return _say(HOW_TO_INVITE)
        raise
    # Recorded right after Slack accepted the card. A crash in between leaves a "Watching…"
    # card that is never updated, and no watch: the person saw no confirmation and can ask again.
    await here.store.add_watch(
        channel=here.channel,
        import_guid=import_guid,
        run_guid=run.guid,
        message_ts=str(posted["ts"]),
        user_id=asker.user_id,
        now=here.poller.now(),
        interval=deps.settings.poll_interval_seconds,
        run_number=run.number,
    )
    here.poller.wake()
    return _say(
        f"Watching run #{run.number}: I'll update its card here and mention you when it finishes."
    )


def settled_runs(runs: list[ImportRun]) -> tuple[int, list[str]]:
    """Where a new subscription starts: the highest number with every run up to it finished,
    and the finished runs above it (old news, never announced)."""
    oldest_first = sorted(runs, key=lambda r: r.number or 0)
    since = 0
    for run in oldest_first:
        if not run.is_finished:
            break
        since = run.number or since
    above = [r.guid for r in oldest_first if (r.number or 0) > since and r.is_finished]
    return since, above


async def subscribe(deps: Deps, asker: Asker, command: Subscribe) -> Message:
    """Subscribe this channel to an import's finished runs from now on."""
    here = _running(deps, asker)
    if isinstance(here, Message):
        return here
    assert isinstance(command.import_ref, str)
    if refusal := await _not_theirs(deps, here, asker, command.import_ref):
        return refusal
    definition = await deps.arena.get_import(command.import_ref)
    since, settled = settled_runs(await deps.arena.list_runs(command.import_ref, limit=400))
    name = inline(definition.name or definition.guid, 200)
    which = {
        "all": "every run",
        "failures": "every failed run",
        "warnings": "every run with errors or warnings",
    }
    # The notice in the channel is the check that the bot may post there: no promise it
    # cannot keep.
    notice = (
        f"{mention(asker.user_id)} subscribed this channel to {which[command.filter]} of "
        f"*{name}* (`/importrun unsubscribe {definition.guid}` to stop)."
    )
    try:
        await here.slack.chat_postMessage(channel=here.channel, text=notice)
    except SlackApiError as exc:
        if slack_error(exc) in CANNOT_POST:
            return _say(HOW_TO_INVITE)
        raise
    _, new = await here.store.subscribe(
        channel=here.channel,
        import_guid=definition.guid,
        filter=command.filter,
        since_number=since,
        settled=settled,
        user_id=asker.user_id,
        now=here.poller.now(),
        mentions=command.mentions,
    )
    here.poller.wake(subscribed=definition.guid)
    verb = "will now hear about" if new else "now hears about"
    who = f", mentioning {' '.join(command.mentions)}" if command.mentions else ""
    return _say(
        f"This channel {verb} {which[command.filter]} of *{name}* that finishes from now on{who}."
    )


async def unsubscribe(deps: Deps, asker: Asker, import_guid: str) -> Message:
    """Stop announcing an import's runs in this channel (and mentioning anyone for them)."""
    here = _running(deps, asker)
    if isinstance(here, Message):
        return here
    if refusal := await _not_theirs(deps, here, asker, import_guid):
        return refusal
    name = await _name(deps, import_guid)
    if await here.store.unsubscribe(here.channel, import_guid):
        return _say(f"This channel will no longer hear about runs of {name}.")
    return _say(f"This channel was not subscribed to {name}.")


async def _name(deps: Deps, import_guid: str) -> str:
    """`*Item Master load*` from the cached definitions, or the GUID in code."""
    name = await deps.definitions.name_of(import_guid)
    return f"*{inline(name, 200)}*" if name else f"import `{import_guid}`"


async def list_here(deps: Deps, asker: Asker) -> Message:
    """This channel's pending watches and its subscriptions, each import by its name."""
    here = _running(deps, asker)
    if isinstance(here, Message):
        return here
    lines = []
    for w in await here.store.pending_watches(here.channel):
        watchers = " ".join(mention(user) for user in w.watchers)
        # A watch made before the store kept run numbers is named by its GUID.
        run = f"#{w.run_number}" if w.run_number is not None else f"`{w.run_guid}`"
        lines.append(f"• watching run {run} of {await _name(deps, w.import_guid)} for {watchers}")
    for s in await here.store.subscriptions(here.channel, active=False):
        state = f" — *stopped*: {_stopped(s.disabled_reason)}" if s.disabled_reason else ""
        who = f", mentioning {s.mentions}" if s.mentions else ""
        lines.append(f"• subscribed to {await _name(deps, s.import_guid)} ({s.filter}{who}){state}")
    if not lines:
        return _say("Nothing is watched here and this channel has no subscriptions.")
    return _say("*In this channel*\n" + "\n".join(lines[:40]))


def _stopped(reason: str) -> str:
    """Why a subscription stopped: Arena no longer shows its import, or Slack's error."""
    if reason == ARENA_GONE:
        return "Arena no longer has this import"
    if reason == ARENA_FORBIDDEN:
        return "the bot's Arena user may no longer see this import"
    return f"Slack said `{escape(reason)}`"
