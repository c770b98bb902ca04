"""The poller's Slack calls: post a message, and tell a refusal for good from a passing one."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.in_thread import CANNOT_POST

__all__ = ["CANNOT_POST", "GONE_MESSAGE", "post", "slack_error"]

# chat.update cannot reach the card any more (deleted, or too old to edit): post it anew.
GONE_MESSAGE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (`not_in_channel`, …) of a refused call."""
    return str(exc.response.get("error", ""))


async def post(slack: AsyncWebClient, channel: str, **message: object) -> str:
    """chat.postMessage; the new message's ts (SlackApiError when Slack refuses).

    429 and 5xx are retried inside slack_sdk by the client's retry handlers (bot/wiring.py).
    """
    response = await slack.chat_postMessage(channel=channel, **message)  # type: ignore[arg-type]
    return str(response["ts"])
