"""What every reply shares: who asked, which buttons, cards with their change order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.arena.client import ArenaClient
from bot.arena.errors import (
    ArenaError,
    ArenaNotFound,
    ArenaPermissionError,
    ArenaQuotaExceeded,
    ArenaTooLarge,
    ArenaUnavailable,
    ArenaUnreadable,
    FairUseExceeded,
)
from bot.arena.models import Change, ImportRun
from bot.cards import CardButton, Message, run_card
from bot.runs.card_cache import CardCache, card_key
from bot.runs.definitions import Definitions
from bot.settings import Settings

logger = logging.getLogger(__name__)


class Source(Protocol):
    """Where a card's run comes from: the Arena client and the settings (`Deps` is one)."""

    @property
    def arena(self) -> ArenaClient:
        """The one Arena client."""

    @property
    def settings(self) -> Settings:
        """The app's settings (for Arena's web address)."""

    @property
    def definitions(self) -> Definitions:
        """The cached import definitions (the card's header names the import)."""

    @property
    def cards(self) -> CardCache:
        """Finished runs' cards, rendered once."""


@dataclass(frozen=True)
class Reply:
    """A reply to send now and, when a card's change link was not known yet, a better one later.

    `later()` looks the change order up and gives the card with its link (None: no better card).
    """

    message: Message
    later: Callable[[], Awaitable[Message | None]] | None = None


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: the Slack user and channel of a command or interaction."""

    user_id: str
    channel_id: str | None = None

    @classmethod
    def of_action(cls, body: Mapping[str, Any]) -> Asker:
        """Who pressed a button, and where: the payload's channel, else its message's."""
        channel = (body.get("channel") or {}).get("id")
        channel = channel or (body.get("container") or {}).get("channel_id")
        return cls(user_id=str(body.get("user", {}).get("id", "")), channel_id=channel)


PRIVATE_BUTTONS = frozenset(CardButton)
PUBLIC_BUTTONS = PRIVATE_BUTTONS - {CardButton.SHARE}


async def run_message(
    deps: Source,
    import_guid: str,
    run_guid: str,
    *,
    fresh: bool = False,
    buttons: Collection[CardButton] = PRIVATE_BUTTONS,
    note: str | None = None,
) -> Message:
    """Fetch the run (and its change order's link) and build its card."""
    run, name = await _run_and_name(deps, import_guid, run_guid, fresh=fresh)
    return await card_for(
        deps, run, import_guid=import_guid, buttons=buttons, note=note, import_name=name
    )


async def run_reply(
    deps: Source,
    import_guid: str,
    run_guid: str,
    *,
    buttons: Collection[CardButton] = PRIVATE_BUTTONS,
    note: str | None = None,
) -> Reply:
    """The run's card after one Arena round trip; the change link follows in `later`."""
    run, name = await _run_and_name(deps, import_guid, run_guid)
    return card_reply(deps, run, import_guid=import_guid, buttons=buttons, note=note, name=name)


async def _run_and_name(
    deps: Source, import_guid: str, run_guid: str, *, fresh: bool = False
) -> tuple[ImportRun, str | None]:
    """The run and its import's name, fetched together: no extra round trip on a cache miss."""
    return await asyncio.gather(
        deps.arena.get_run(import_guid, run_guid, fresh=fresh),
        deps.definitions.name_of(import_guid),
    )


def card_reply(
    deps: Source,
    run: ImportRun,
    *,
    import_guid: str,
    name: str | None,
    buttons: Collection[CardButton] = PRIVATE_BUTTONS,
    note: str | None = None,
) -> Reply:
    """The card with what is known now; a change not looked up yet comes with `later`."""
    number = run.change_number
    if number is None:
        return Reply(_card(deps, run, None, import_guid, buttons, note, name))
    known, found = deps.arena.cached_change(number)
    if known:
        return Reply(_card(deps, run, found or run.change, import_guid, buttons, note, name))

    async def later() -> Message | None:
        try:
            change = await _change_of(deps, run)
        except ArenaError as exc:  # the first card stands; its change shows without a link
            logger.info("change %s: no link (%s)", number, exc)
            return None
        if change is None or change == run.change:
            return None  # nothing beyond what the first card showed
        return _card(deps, run, change, import_guid, buttons, note, name)

    return Reply(_card(deps, run, run.change, import_guid, buttons, note, name), later)


async def card_for(
    deps: Source,
    run: ImportRun,
    *,
    import_guid: str,
    buttons: Collection[CardButton] = PRIVATE_BUTTONS,
    note: str | None = None,
    import_name: str | None = None,
) -> Message:
    """The card of a run already fetched; looks up the change order's link (and the name)."""
    if import_name is None:
        change, import_name = await asyncio.gather(
            _change_of(deps, run), deps.definitions.name_of(import_guid)
        )
    else:
        change = await _change_of(deps, run)
    return _card(deps, run, change, import_guid, buttons, note, import_name)


def _card(
    deps: Source,
    run: ImportRun,
    change: Change | None,
    import_guid: str,
    buttons: Collection[CardButton],
    note: str | None,
    import_name: str | None,
) -> Message:
    """The card, built once per finished run (and known change) for every later ask."""

    def render() -> Message:
        return run_card(
            run,
            import_guid=import_guid,
            change=change,
            buttons=buttons,
            note=note,
            arena_web_url=deps.settings.arena_web_url,
            import_name=import_name,
        )

    key = card_key(import_guid, buttons, note, import_name)
    return deps.cards.card(run, change, key, render)


async def _change_of(deps: Source, run: ImportRun) -> Change | None:
    """The run's change order with its Arena link; the card still shows without it."""
    number = run.change_number
    if number is None:
        return None
    try:
        found = await deps.arena.find_change(number)
    except (
        ArenaNotFound,
        ArenaPermissionError,
        ArenaQuotaExceeded,
        ArenaUnavailable,
        ArenaUnreadable,
        ArenaTooLarge,
        FairUseExceeded,
    ) as exc:
        logger.info("change %s: no link (%s)", number, exc)
        return run.change
    return found or run.change
