"""What listeners need, handed to them through Bolt's context as `deps`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.arena.client import ArenaClient
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.poller import Poller
    from bot.store import Store


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
    poller: Poller | None = None
