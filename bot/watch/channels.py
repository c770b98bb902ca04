"""The poller's posting, channel by channel: Slack's Retry-After holds only the channel it names."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.runs.posting import slack_error

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_RETRY_AFTER = 1.0


class ChannelBusy(Exception):
    """Slack asked the bot to wait before posting in this channel again."""

    def __init__(self, channel: str, until: float) -> None:
        super().__init__(f"Slack asked to wait before posting in {channel}")
        self.channel = channel
        self.until = until


def without_rate_limit_waits(slack: AsyncWebClient) -> AsyncWebClient:
    """The same client without slack_sdk's 429 handler, which sleeps inside the call."""
    handlers = [
        h for h in slack.retry_handlers if not isinstance(h, AsyncRateLimitErrorRetryHandler)
    ]
    return AsyncWebClient(
        token=slack.token,
        base_url=slack.base_url,
        timeout=slack.timeout,
        headers=slack.headers,
        retry_handlers=handlers,
    )


class Channels:
    """chat.postMessage / chat.update for the poller; a 429 closes only its channel for a while."""

    def __init__(
        self,
        slack: AsyncWebClient,
        clock: Callable[[], float],
        *,
        fence: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._slack = without_rate_limit_waits(slack)
        self._clock = clock
        self._fence = fence  # replicas: raises unless this one still holds the poller's lease
        self._closed: dict[str, float] = {}

    def open_at(self, channel: str) -> float:
        """When the channel may be posted in again (0: now)."""
        return self._closed.get(channel, 0.0)

    async def post(self, channel: str, **message: Any) -> str:
        """Post in `channel` (or a DM to a user ID); its ts. ChannelBusy while Slack said wait."""
        answer = await self._call(
            channel, lambda: self._slack.chat_postMessage(channel=channel, **message)
        )
        return str(answer["ts"])

    async def update(self, channel: str, ts: str, **message: Any) -> None:
        """Rewrite the message at `ts` in `channel`."""
        await self._call(
            channel, lambda: self._slack.chat_update(channel=channel, ts=ts, **message)
        )

    async def tell(self, user: str, text: str) -> None:
        """A direct message to a person; a failure is logged, never raised."""
        try:
            await self.post(user, text=text)
        except (SlackApiError, ChannelBusy) as exc:
            logger.warning("could not tell %s directly: %s", user, exc)

    async def _call(self, channel: str, call: Callable[[], Awaitable[T]]) -> T:
        if self._fence is not None:
            await self._fence()
        now = self._clock()
        if self.open_at(channel) > now:
            raise ChannelBusy(channel, self.open_at(channel))
        try:
            return await call()
        except SlackApiError as exc:
            if exc.response.status_code != 429 and slack_error(exc) != "ratelimited":
                raise
            wait = _retry_after(exc)
            self._closed[channel] = now + wait
            logger.warning("Slack asked to wait %.0f s before posting in %s again", wait, channel)
            raise ChannelBusy(channel, now + wait) from None


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(DEFAULT_RETRY_AFTER, float(str(raw)))
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER
