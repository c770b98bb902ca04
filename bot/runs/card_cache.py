"""Finished runs' cards, rendered once and kept: a finished run cannot change."""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from typing import Any

from bot.arena.models import Change, ImportRun
from bot.cards import Message

MAX_CARDS = 256


class KeptCard(Message):
    """A card served to many replies: its `to_dict` is built once (callers only spread it)."""

    @functools.cached_property
    def _as_dict(self) -> dict[str, Any]:
        return super().to_dict()

    def to_dict(self) -> dict[str, Any]:
        """The `text` and `blocks` arguments, built on the first call."""
        return self._as_dict

    @functools.cached_property
    def _bodies(self) -> dict[tuple[tuple[str, Any], ...], bytes]:
        return {}

    def body(self, **fields: Any) -> bytes:
        """The card as a JSON reply with Slack's `fields`, serialized once per set of fields."""
        key = tuple(sorted(fields.items()))
        found = self._bodies.get(key)
        if found is None:
            found = self._bodies[key] = json.dumps({**self.to_dict(), **fields}).encode()
        return found


def reply_body(message: Message, **fields: Any) -> bytes:
    """A message as a response_url's JSON body (a kept card's is serialized once)."""
    if isinstance(message, KeptCard):
        return message.body(**fields)
    return json.dumps({**message.to_dict(), **fields}).encode()


class CardCache:
    """The last `max_cards` finished runs' cards, per run, buttons, note and known change."""

    def __init__(self, max_cards: int = MAX_CARDS) -> None:
        self._max = max_cards
        self._cards: OrderedDict[Hashable, tuple[ImportRun, Change | None, KeptCard]] = (
            OrderedDict()
        )
        self.rendered = 0  # how many cards were built (the bench and tests read it)

    def __len__(self) -> int:
        """How many cards are kept."""
        return len(self._cards)

    def card(
        self,
        run: ImportRun,
        change: Change | None,
        key: tuple[Hashable, ...],
        render: Callable[[], Message],
    ) -> Message:
        """The card of `run` as `render()` builds it: kept when the run is finished."""
        if not run.is_finished:
            self.rendered += 1
            return render()
        full_key = (run.guid, *key)
        kept = self._cards.get(full_key)
        # The same run and change (usually the very objects, from Arena's cache) give the same card.
        if kept is not None and _same(kept[0], run) and _same(kept[1], change):
            self._cards.move_to_end(full_key)
            return kept[2]
        built = render()
        self.rendered += 1
        card = KeptCard(text=built.text, blocks=built.blocks)
        self._cards[full_key] = (run, change, card)
        self._cards.move_to_end(full_key)
        while len(self._cards) > self._max:
            self._cards.popitem(last=False)
        return card


def _same(a: object, b: object) -> bool:
    return a is b or a == b


def card_key(
    import_guid: str, buttons: Collection[Any], note: str | None, import_name: str | None
) -> tuple[Hashable, ...]:
    """What besides the run and its change shapes a card."""
    return (import_guid, frozenset(buttons), note, import_name)
