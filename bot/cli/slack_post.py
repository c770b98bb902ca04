"""`post`'s side of Slack: the waiting note, the card posted, Slack's refusals in one sentence."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.models import ImportRun
from bot.cards import Message
from bot.cards.common import section
from bot.cards.run import run_title
from bot.cards.text import inline
from bot.cli.outcome import FAILED, USAGE, Refused

logger = logging.getLogger(__name__)

SLACK_ERRORS = {
    "not_in_channel": "the bot is not a member of {channel}; invite it with /invite @importrun",
    "channel_not_found": "Slack knows no channel {channel} the bot can see (use the channel ID, "
    "e.g. C0123456789, and invite the bot)",
    "is_archived": "{channel} is archived",
    "invalid_auth": "Slack refused SLACK_BOT_TOKEN (invalid_auth)",
    "not_authed": "SLACK_BOT_TOKEN is missing or empty",
    "token_revoked": "SLACK_BOT_TOKEN was revoked; reinstall the app",
    "missing_scope": "the app lacks the chat:write scope; reinstall it from manifest.yaml",
}


TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "account_inactive"})


async def post_message(slack: AsyncWebClient, channel: str, message: dict[str, object]) -> str:
    """`chat.postMessage`; Slack's refusals and unreachability become one sentence."""
    try:
        response = await slack.chat_postMessage(
            channel=channel,
            text=str(message["text"]),
            blocks=message["blocks"],  # type: ignore[arg-type]
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        reason = SLACK_ERRORS.get(error, "Slack answered {error}").format(
            channel=channel, error=error
        )
        # A refused token is a wrong setting, as `check` counts it.
        code = USAGE if error in TOKEN_ERRORS else FAILED
        raise Refused(f"Not posted: {reason}.", code) from None
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        raise Refused(f"Not posted: Slack could not be reached ({reason}).") from None
    return str(response.get("ts", ""))


def waiting_note(run: ImportRun, name: str | None) -> dict[str, object]:
    """The short message that stands in the channel while `post --wait` waits."""
    title = run_title(run, name, 200)
    text = f"⏳ Waiting for {title} to finish; its card will be posted here."
    return Message(text=inline(text, 1000), blocks=[section(inline(text, 1000))]).to_dict()


async def delete_note(slack: AsyncWebClient, channel: str, ts: str | None) -> None:
    """Remove the waiting note; one that cannot be removed only stays in the channel."""
    if not ts:
        return
    try:
        await slack.chat_delete(channel=channel, ts=ts)
    except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("could not remove the waiting note %s in %s: %s", ts, channel, exc)
