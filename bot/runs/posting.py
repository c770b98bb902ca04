"""Posting to Slack: a message in a channel, a reply to a response_url, and refusals told apart."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

logger = logging.getLogger(__name__)

# What Bolt hands a listener as `respond`: a reply to the request's response_url.
Respond = Callable[..., Awaitable[Any]]

# Slack errors that mean "the bot may not post there": answer privately instead.
CANNOT_POST = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "cannot_reply_to_message",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_access_not_granted",
        "missing_scope",
    }
)

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


async def respond_to(response_url: str, **message: Any) -> None:
    """POST a reply to a response_url; a refusal is logged with its status, never raised."""
    response = await AsyncWebhookClient(response_url).send_dict(message)
    if response.status_code != 200:
        logger.warning("response_url refused a reply: HTTP %s", response.status_code)
