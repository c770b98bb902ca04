"""Bolt's `respond()` over the app's one shared HTTP session instead of a new one per call."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.webhook import WebhookResponse

from bot.runs.posting import Responder

logger = logging.getLogger(__name__)


class SharedRespond(AsyncRespond):
    """`respond(...)` as Bolt takes it, posted through `Responder` (kept-alive connections)."""

    def __init__(self, *, response_url: str, responder: Responder) -> None:
        super().__init__(response_url=response_url)
        self._url = response_url
        self._responder = responder

    async def __call__(  # type: ignore[override]
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[Any] | None = None,
        **fields: Any,
    ) -> WebhookResponse:
        """POST the reply: `text` and `blocks`, or a whole message as a dict, and Slack's fields."""
        if isinstance(text, dict):
            message = dict(text)
        else:
            message = {"text": text}
            if blocks is not None:
                message["blocks"] = [_as_dict(block) for block in blocks]
        message.update((k, v) for k, v in fields.items() if v is not None)
        response = await self._responder.send(self._url, message)
        if response.status_code != 200:  # logged, never raised (a refused reply is no crash)
            logger.warning("response_url refused a reply: HTTP %s", response.status_code)
        return response


def _as_dict(block: Any) -> Any:
    return block.to_dict() if hasattr(block, "to_dict") else block
