"""Slack's Socket Mode side of the stub: a WebSocket URL of its own, envelopes down, acks back."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web


class SlackSocket:
    """`apps.connections.open` hands out `ws://…/socket/N`; `deliver()` sends an envelope to the
    connected app and returns its acknowledgement; `drop()` cuts every connection."""

    def __init__(self, app_token: str) -> None:
        self.app_token = app_token
        self.root = ""
        self.opened = 0  # URLs handed out by apps.connections.open
        self.connections = 0  # WebSocket connections accepted
        self.acks: list[dict[str, Any]] = []
        self._numbers = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()

    def add_routes(self, app: web.Application) -> None:
        """Serve the WebSocket endpoint on the stub's server."""
        app.router.add_get("/socket/{number}", self._socket)

    def open(self, token: str | None) -> dict[str, Any]:
        """The answer to `apps.connections.open` called with `token`."""
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        self.opened += 1
        url = self.root.replace("http://", "ws://", 1) + f"/socket/{next(self._numbers)}"
        return {"ok": True, "url": url}

    async def wait_connected(self, connections: int = 1, timeout: float = 10.0) -> None:
        """Wait until `connections` connections were accepted and one is open now."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(
                lambda: self.connections >= connections and bool(self._sockets)
            )

    async def deliver(
        self, kind: str, payload: dict[str, Any], timeout: float = 10.0
    ) -> dict[str, Any]:
        """Send an envelope of `kind` (slash_commands, interactive, events_api); its ack."""
        await self.wait_connected(timeout=timeout)
        envelope_id = str(uuid.uuid4())
        acked = asyncio.get_running_loop().create_future()
        self._waiting[envelope_id] = acked
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)
        try:
            return await asyncio.wait_for(acked, timeout)
        finally:
            self._waiting.pop(envelope_id, None)

    async def drop(self) -> None:
        """Close every connection from Slack's side, as a network cut or a refresh does."""
        for ws in list(self._sockets):
            await ws.close(code=1006, message=b"dropped")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        async with self._changed:
            self.connections += 1
            self._sockets.append(ws)
            self._changed.notify_all()
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0STUB"}}
        await ws.send_json(hello)
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._acknowledged(json.loads(message.data))
        finally:
            async with self._changed:
                self._sockets.remove(ws)
                self._changed.notify_all()
        return ws

    def _acknowledged(self, ack: dict[str, Any]) -> None:
        self.acks.append(ack)
        waiting = self._waiting.get(str(ack.get("envelope_id")))
        if waiting is not None and not waiting.done():
            waiting.set_result(ack)
