"""What listeners need, handed to them through Bolt's context as `deps`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.arena.client import ArenaClient
from bot.settings import Settings


@dataclass(frozen=True)
class Deps:
    """The app's collaborators; built once in `cli.py`, read by every listener."""

    settings: Settings
    arena: ArenaClient
