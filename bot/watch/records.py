"""What the store keeps: watches and subscriptions, as the poller and the answers read them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

SubscriptionFilter = Literal["all", "failures", "warnings"]
FILTERS: tuple[str, ...] = get_args(SubscriptionFilter)


@dataclass(frozen=True)
class Watch:
    """A run someone asked to hear about in a channel, and the card that will be updated."""

    id: int
    channel: str
    import_guid: str
    run_guid: str
    message_ts: str
    user_id: str
    others: str
    created_at: float
    next_poll_at: float
    interval: float
    stage: int
    run_number: int | None = None  # None: watched before the store kept it

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> Watch:
        """The watch of a row; columns a later build adds are left aside (a rolling update)."""
        return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in row})

    @property
    def watchers(self) -> list[str]:
        """Everyone to mention when the run finishes: who asked first, then the others."""
        return [self.user_id, *self.others.split()]


@dataclass(frozen=True)
class Subscription:
    """A channel that hears about the finished runs of one import definition."""

    id: int
    channel: str
    import_guid: str
    filter: SubscriptionFilter
    since_number: int
    created_by: str
    created_at: float
    disabled_reason: str | None
    mentions: str = ""  # Slack's mention tokens (`<@U…>`, `<!subteam^S…>`), space-separated
