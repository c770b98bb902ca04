"""Signed requests to the app's `POST /slack/events`, shaped as Slack sends them."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.demo.slack_socket import SlackSocket

TEAM = {"id": "T0DEMOTEAM", "domain": "demo"}


class SlackEvents:
    """Plays Slack's part towards the app: signs and posts commands and interactions."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        events_url: str,
        signing_secret: str,
        *,
        user: str = "U0PERSON01",
    ) -> None:
        self._http = http
        self._url = events_url
        self._secret = signing_secret
        self._verifier = SignatureVerifier(signing_secret)
        self.user = user

    def as_user(self, user: str) -> SlackEvents:
        """The same Slack, sending as another person."""
        return SlackEvents(self._http, self._url, self._secret, user=user)

    async def post(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> httpx.Response:
        """POST a raw body, signed unless `signature` is given."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature or self._verifier.generate_signature(timestamp=ts, body=body) or ""
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
            "Content-Type": content_type,
        }
        return await self._http.post(self._url, content=body.encode(), headers=headers)

    async def slash_command(
        self,
        text: str,
        *,
        response_url: str,
        channel: str = "C0DEMOCHAN",
        command: str = "/importrun",
        team_id: str = TEAM["id"],
        **kw: Any,
    ) -> httpx.Response:
        """Send `/importrun text` as Slack does (form-encoded)."""
        form = {
            "token": "legacy",
            "team_id": team_id,
            "team_domain": TEAM["domain"],
            "channel_id": channel,
            "channel_name": "plm-imports",
            "user_id": self.user,
            "user_name": "person",
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": f"trig.{time.time_ns()}",
            "api_app_id": "A0IMPORTRUN",
        }
        return await self.post(urlencode(form), **kw)

    async def interaction(self, payload: dict[str, Any], **kw: Any) -> httpx.Response:
        """Send an interactivity payload (`payload=<json>`, form-encoded)."""
        payload.setdefault("team", TEAM)
        payload.setdefault("user", {"id": self.user, "username": "person", "team_id": TEAM["id"]})
        payload.setdefault("api_app_id", "A0IMPORTRUN")
        payload.setdefault("token", "legacy")
        payload.setdefault("trigger_id", f"trig.{time.time_ns()}")
        return await self.post(urlencode({"payload": json.dumps(payload)}), **kw)

    async def block_action(
        self,
        action: dict[str, Any],
        *,
        response_url: str | None = None,
        channel: str = "C0DEMOCHAN",
        message: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Press a button: `action` holds action_id, value (and block_id)."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "actions": [{"type": "button", "action_ts": str(time.time()), **action}],
            "container": container or {"type": "message", "channel_id": channel},
            "channel": {"id": channel, "name": "plm-imports"},
        }
        if response_url:
            payload["response_url"] = response_url
        if message is not None:
            payload["message"] = message
        if view is not None:
            payload["view"] = view
            payload.pop("channel")
            payload["container"] = container or {"type": "view", "view_id": view.get("id", "V1")}
        return await self.interaction(payload)

    async def message_shortcut(
        self,
        callback_id: str,
        message: dict[str, Any],
        *,
        response_url: str,
        channel: str = "C0DEMOCHAN",
    ) -> httpx.Response:
        """Run a message shortcut on `message` (text, ts, maybe thread_ts)."""
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "message": message,
            "message_ts": message.get("ts"),
            "channel": {"id": channel, "name": "plm-imports"},
            "response_url": response_url,
        }
        return await self.interaction(payload)

    async def block_suggestion(
        self, action_id: str, value: str, *, view: dict[str, Any], block_id: str
    ) -> httpx.Response:
        """Type `value` in an external select of a modal: Slack asks the app for options."""
        payload = {
            "type": "block_suggestion",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "view": view,
            "container": {"type": "view", "view_id": view.get("id", "V1")},
        }
        return await self.interaction(payload)

    async def view_submission(self, view: dict[str, Any]) -> httpx.Response:
        """Submit a modal whose `view` carries callback_id, state and private_metadata."""
        return await self.interaction({"type": "view_submission", "view": view})


class SocketEvents(SlackEvents):
    """The same commands and interactions, delivered as Socket Mode envelopes on the stub's
    WebSocket; the answer is the app's acknowledgement (HTTP 200 and its payload)."""

    def __init__(self, socket: SlackSocket, *, user: str = "U0PERSON01") -> None:
        # No HTTP client nor signature: the envelope goes down the app's own WebSocket.
        self.user = user
        self._socket = socket

    def as_user(self, user: str) -> SocketEvents:
        """The same Slack, sending as another person (down the same WebSocket)."""
        return SocketEvents(self._socket, user=user)

    async def post(self, body: str, **_: Any) -> httpx.Response:
        """Wrap a form body as Slack's Socket Mode does: `interactive` for `payload=…`, else
        `slash_commands`; wait for the ack."""
        form = dict(parse_qsl(body))
        if "payload" in form:
            ack = await self._socket.deliver("interactive", json.loads(form["payload"]))
        else:
            ack = await self._socket.deliver("slash_commands", form)
        return httpx.Response(200, json=ack)
