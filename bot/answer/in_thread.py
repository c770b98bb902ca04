"""The message shortcut's answer: the run a message names, as a card in that message's thread."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer import ask_run, browse, names
from bot.answer.commands import ShowRun, ShowRunNumber, find_import_and_run
from bot.arena.errors import ArenaError, RunNumberNotFound
from bot.arena.models import ImportRun
from bot.cards import Message, error_message
from bot.cards.text import mention
from bot.deps import Deps
from bot.runs.explain import explain
from bot.runs.messages import PRIVATE_BUTTONS, PUBLIC_BUTTONS, card_for
from bot.runs.posting import CANNOT_POST, slack_error

logger = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds Arena may take before a modal submission is acked regardless
_TEXT_KEYS = frozenset({"text", "fallback", "pretext", "title", "title_link", "url", "footer"})
_TOKEN = re.compile(r"<(?:[^<>|]*\|)?([^<>]*)>")


@dataclass(frozen=True)
class Target:
    """Where a shortcut's card goes: the thread, or privately through the response_url."""

    user_id: str
    channel_id: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None

    @classmethod
    def of_shortcut(cls, body: dict[str, Any]) -> Target:
        """From a `message_action` payload: its channel, message (thread) and response_url."""
        message = body.get("message") or {}
        return cls(
            user_id=str(body.get("user", {}).get("id", "")),
            channel_id=body.get("channel", {}).get("id"),
            thread_ts=message.get("thread_ts") or message.get("ts"),
            response_url=body.get("response_url"),
        )

    def to_metadata(self) -> str:
        """As a modal's private_metadata."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, text: str | None) -> Target:
        """Back from private_metadata (an empty target when it is not ours)."""
        try:
            data = json.loads(text or "{}")
            return cls(
                **{k: data.get(k) for k in ("channel_id", "thread_ts", "response_url")},
                user_id=str(data.get("user_id") or ""),
            )
        except (ValueError, TypeError, AttributeError):
            return cls(user_id="")


def guids_in_message(message: dict[str, Any]) -> tuple[str | None, str | None]:
    """The first import/run pair in a message: its text, else with its blocks and attachments."""
    text = str(message.get("text") or "")
    import_guid, run_guid = find_import_and_run(text)
    if import_guid and run_guid:
        return import_guid, run_guid
    extra = " ".join(_strings([message.get("attachments"), message.get("blocks")]))
    return find_import_and_run(f"{text} {extra}")


def _strings(node: object, key: str = "") -> Iterator[str]:
    """The text-bearing strings of blocks and attachments, in order."""
    if isinstance(node, str) and key in _TEXT_KEYS:
        yield node
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _strings(value, name if name in _TEXT_KEYS else key)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, key)


async def show_named_run(
    deps: Deps, client: AsyncWebClient, target: Target, import_guid: str, run_guid: str
) -> None:
    """The card in the thread; one private sentence when Arena cannot give the run. Bare GUIDs
    may come in either order ("run X of import Y"), as `/importrun` reads them."""
    try:
        run, swapped = await browse.either_way(
            deps.definitions, import_guid, run_guid, deps.arena.get_run
        )
    except ArenaError as exc:
        logger.info("shortcut: %s", exc)
        await reply_privately(deps, target, error_message(explain(exc), markup=True))
        return
    await post_card(deps, client, target, run_guid if swapped else import_guid, run)


async def post_card(
    deps: Deps, client: AsyncWebClient, target: Target, import_guid: str, run: ImportRun
) -> None:
    """Post in the thread for everyone; privately where the bot cannot post."""
    if target.channel_id and target.thread_ts:
        note = f"Asked for by {mention(target.user_id)}" if target.user_id else None
        card = await card_for(deps, run, import_guid=import_guid, buttons=PUBLIC_BUTTONS, note=note)
        try:
            await client.chat_postMessage(
                channel=target.channel_id,
                thread_ts=target.thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                **card.to_dict(),
            )
            return
        except SlackApiError as exc:
            if slack_error(exc) not in CANNOT_POST:
                raise
            logger.info("cannot post in %s (%s): replying privately", target.channel_id, exc)
    card = await card_for(deps, run, import_guid=import_guid, buttons=PRIVATE_BUTTONS)
    await reply_privately(deps, target, card)


async def reply_privately(deps: Deps, target: Target, message: Message) -> None:
    """An ephemeral reply through the shortcut's response_url."""
    if not target.response_url:
        logger.warning("no response_url to reply to: %s", message.text)
        return
    await deps.responder.reply(
        target.response_url,
        **message.to_dict(),
        response_type="ephemeral",
        replace_original=False,
    )


@dataclass
class Submission:
    """A checked modal: field errors to show, or the run being fetched for the card."""

    target: Target
    errors: dict[str, str] = field(default_factory=dict)
    pending: asyncio.Future[tuple[str, ImportRun]] | None = None


async def check_submission(deps: Deps, view: dict[str, Any]) -> Submission:
    """Read the fields and ask Arena; what it refuses within ACK_BUDGET is a field error."""
    target = Target.from_metadata(view.get("private_metadata"))
    values = view.get("state", {}).get("values", {})
    try:
        command = ask_run.read_submission(values)
    except ask_run.FieldError as exc:
        return Submission(target, errors={exc.block_id: exc.message})
    picked = ask_run.picked_import(values) is not None
    pending = asyncio.ensure_future(_fetch(deps, command, picked=picked))
    await asyncio.wait({pending}, timeout=ACK_BUDGET)
    if pending.done() and (failure := pending.exception()) is not None:
        if isinstance(failure, ArenaError):
            return Submission(target, errors={ask_run.RUN: plain_sentence(explain(failure))})
        if isinstance(failure, names.UnknownName | names.AmbiguousName):
            return Submission(target, errors={ask_run.IMPORT: _name_problem(failure)})
    return Submission(target, pending=pending)


def _name_problem(failure: names.UnknownName | names.AmbiguousName) -> str:
    """A field error for a typed name (plain text)."""
    if isinstance(failure, names.AmbiguousName):
        listed = ", ".join(f"“{d.name}”" for d in failure.matches[:5])
        return f"Several imports match “{failure.text}”: {listed}. Choose one."[
            : ask_run.FIELD_ERROR
        ]
    return names.unknown_sentence(failure, markup=False, limit=ask_run.FIELD_ERROR)


async def finish_submission(deps: Deps, client: AsyncWebClient, submission: Submission) -> None:
    """After the ack: the card in the thread, or one private sentence."""
    assert submission.pending is not None
    try:
        import_guid, run = await submission.pending
    except ArenaError as exc:
        await reply_privately(deps, submission.target, error_message(explain(exc), markup=True))
        return
    except (names.UnknownName, names.AmbiguousName) as exc:
        await reply_privately(deps, submission.target, error_message(_name_problem(exc)))
        return
    await post_card(deps, client, submission.target, import_guid, run)


async def _fetch(
    deps: Deps, command: ShowRun | ShowRunNumber, *, picked: bool
) -> tuple[str, ImportRun]:
    """The run; `picked`: the import came from the select, so a sentence about it names it."""
    import_guid, named = await names.resolve_named(deps.definitions, command.import_ref)
    if isinstance(command, ShowRun):
        return import_guid, await deps.arena.get_run(import_guid, command.run_guid)
    try:
        run = await browse.run_by_number(deps.arena, import_guid, command.number, name=named)
    except RunNumberNotFound:
        if not picked:
            raise
        # The select's options came from the cached definitions list: no request while it is.
        name = await deps.definitions.name_of(import_guid)
        raise RunNumberNotFound(import_guid, command.number, name=name) from None
    return import_guid, run


def plain_sentence(mrkdwn: str) -> str:
    """A mrkdwn sentence as plain text (field errors are not mrkdwn): tokens to labels."""
    text = _TOKEN.sub(r"\1", mrkdwn)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text[: ask_run.FIELD_ERROR]
