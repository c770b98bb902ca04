"""What listeners need, handed to them through Bolt's context as `deps`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.arena.client import ArenaClient
from bot.runs.card_cache import CardCache
from bot.runs.definitions import Definitions
from bot.runs.posting import Responder
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.watch.schedule import Pace
    from bot.watch.store import Store


class Polling(Protocol):
    """What the answers need of the poller: its clock, a nudge, and how polling is going."""

    last_poll_at: datetime | None

    @property
    def pace(self) -> Pace:
        """How polling stands with Arena's quota right now."""

    def problems(self) -> list[str]:
        """The last error of each import and watched run, one line each."""

    def now(self) -> float:
        """The poller's clock (epoch seconds): new watches are scheduled on it."""

    def wake(self, *, subscribed: str | None = None) -> None:
        """Plan again: a watch was just added, or a subscription to the import `subscribed`."""

    def leading(self) -> bool:
        """Whether this replica polls (False on a replica that only answers people)."""


@dataclass(frozen=True)
class Deps:
    """The app's collaborators; built once at the edge (cli/wiring/server), read by listeners.

    `store`, `slack` and `poller` exist only while `serve` runs: watches and subscriptions
    need the poller, and the one-shot commands (`show`, `post`, `check`) do not.
    """

    settings: Settings
    arena: ArenaClient
    store: Store | None = None
    slack: AsyncWebClient | None = None
    poller: Polling | None = None
    # Filled in from `arena` when not given; `dataclasses.replace` hands the same one on.
    definitions: Definitions = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    """The import definitions list, cached: names for commands and cards."""
    cards: CardCache = field(default_factory=CardCache, repr=False, compare=False)
    """Finished runs' cards, built once."""
    responder: Responder = field(default_factory=Responder, repr=False, compare=False)
    """Replies to response_urls, over one HTTP session."""

    def __post_init__(self) -> None:
        if self.definitions is None:
            object.__setattr__(self, "definitions", Definitions(self.arena))
