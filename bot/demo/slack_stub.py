"""A local Slack: Web API methods and `response_url`s over real HTTP, recording every call."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.demo.slack_socket import SlackSocket

Listener = Callable[["SlackCall"], Awaitable[None] | None]

BOT_USER_ID = "U0BOTUSER1"
TEAM_ID = "T0DEMOTEAM"


@dataclass(frozen=True)
class SlackCall:
    """One request the app made: a Web API method, or a post to a response_url."""

    method: str  # "chat.postMessage", …, or "response_url"
    body: dict[str, Any]
    token: str | None
    answer: dict[str, Any] = field(default_factory=dict)  # what the stub answered
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        """The message's top-level text, if any."""
        return str(self.body.get("text", ""))


@dataclass
class _Failure:
    error: str
    times: int | None
    status: int = 200
    retry_after: int | None = None
    channel: str | None = None  # only calls to this channel (None: every call)


class SlackStub:
    """Records `chat.*`, `views.*`, `auth.test`, `users.info` and response_url posts; failures."""

    def __init__(
        self, *, token: str = "xoxb-local-stub", app_token: str = "xapp-1-local-stub"
    ) -> None:
        self.token = token
        self.socket = SlackSocket(app_token)  # Socket Mode: apps.connections.open and its URL
        self.calls: list[SlackCall] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._listeners: list[Listener] = []
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        # users.info: anyone not listed is a full member of TEAM_ID; None: user_not_found.
        self.users: dict[str, dict[str, Any] | None] = {}
        self.enterprise_id: str | None = None  # auth.test's, for an org-wide install

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on `host:port`; returns the Web API base URL (for `SLACK_API_URL`)."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # users.info and other reads
        app.router.add_post("/response/{key}", self._response_url)
        self.socket.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.root = f"http://{host}:{bound[1]}"
        self.socket.root = self.root
        self.url = f"{self.root}/api/"
        return self.url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def response_url(self, key: str = "r1") -> str:
        """A response_url that records what the app posts to it."""
        return f"{self.root}/response/{key}"

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str = TEAM_ID,
        enterprise_id: str | None = None,
        restricted: bool = False,
        ultra_restricted: bool = False,
        stranger: bool = False,
    ) -> None:
        """What users.info says of `user_id`: their team, enterprise and guest flags."""
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": team_id,
            "is_restricted": restricted,
            "is_ultra_restricted": ultra_restricted,
        }
        if enterprise_id:
            user["enterprise_user"] = {"enterprise_id": enterprise_id, "teams": [team_id]}
        if stranger:
            user["is_stranger"] = True
        self.users[user_id] = user

    def fail(
        self, method: str, error: str, *, times: int | None = 1, channel: str | None = None
    ) -> None:
        """Answer `method` with `{"ok": false, "error": error}` (`times=None`: always), for
        calls to `channel` only when it is given."""
        self._failures.setdefault(method, []).append(_Failure(error, times, channel=channel))

    def rate_limit(
        self, method: str, *, retry_after: int = 1, times: int = 1, channel: str | None = None
    ) -> None:
        """Answer `method` with HTTP 429 and `Retry-After` (for `channel` only, if given)."""
        failure = _Failure(
            "ratelimited", times, status=429, retry_after=retry_after, channel=channel
        )
        self._failures.setdefault(method, []).append(failure)

    def on_call(self, listener: Listener) -> None:
        """Call `listener` with every recorded call (the demo console prints them)."""
        self._listeners.append(listener)

    def calls_to(self, method: str) -> list[SlackCall]:
        """The recorded calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Wait until `method` was called `count` times; raise TimeoutError otherwise."""
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, timeout)
        return self.calls_to(method)

    async def response(self, key: str, timeout: float = 10.0) -> SlackCall:
        """Wait for the first post to `response_url(key)` and return it."""

        def posted() -> list[SlackCall]:
            return [c for c in self.calls_to("response_url") if c.body.get("_key") == key]

        await self.wait_until(lambda: bool(posted()), timeout)
        return posted()[0]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds after some recorded call."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def _record(self, call: SlackCall) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        for listener in self._listeners:
            result = listener(call)
            if result is not None:
                await result

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = {**request.query, **await _read_body(request)}
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else body.get("token")
        status, headers = 200, {}
        if method == "apps.connections.open":  # the app-level token's one method
            payload: dict[str, Any] = self.socket.open(token)
        elif token != self.token:
            payload = {"ok": False, "error": "invalid_auth"}
        elif failure := self._take_failure(method, body.get("channel")):
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            payload, status = {"ok": False, "error": failure.error}, failure.status
        else:
            payload = self._answer(method, body)
        await self._record(SlackCall(method, body, token, answer=payload))
        return web.json_response(payload, status=status, headers=headers)

    def _take_failure(self, method: str, channel: object) -> _Failure | None:
        queue = self._failures.get(method) or []
        failure = next((f for f in queue if f.channel in (None, channel)), None)
        if failure is None:
            return None
        if failure.times is not None:
            failure.times -= 1
            if failure.times <= 0:
                queue.remove(failure)
        return failure

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        channel = body.get("channel", "C0DEMOCHAN")
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://demo.slack.local/",
                "team": "Demo",
                "user": "importrun",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "B0BOT00001",
                **(
                    {"enterprise_id": self.enterprise_id, "is_enterprise_install": True}
                    if self.enterprise_id
                    else {}
                ),
            }
        if method == "users.info":
            uid = str(body.get("user", ""))
            if uid not in self.users:
                return {"ok": True, "user": {"id": uid, "team_id": TEAM_ID}}
            found = self.users[uid]
            return (
                {"ok": True, "user": found} if found else {"ok": False, "error": "user_not_found"}
            )
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return {"ok": True, "channel": channel, "ts": ts, "message": {**body, "ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": channel, "ts": body.get("ts"), "text": body.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        if method.startswith("views."):
            view = body.get("view")
            view = json.loads(view) if isinstance(view, str) else view or {}
            return {"ok": True, "view": {**view, "id": f"V{next(self._ts):09d}", "hash": "h1"}}
        return {"ok": True}

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await _read_body(request)
        body["_key"] = request.match_info["key"]
        await self._record(SlackCall("response_url", body, None))
        return web.Response(text="ok")


async def _read_body(request: web.Request) -> dict[str, Any]:
    raw = await request.text()
    if not raw and request.query:  # slack_sdk sends some methods' arguments in the query
        return dict(request.query)
    if request.content_type == "application/json":
        parsed = json.loads(raw or "{}")
        return parsed if isinstance(parsed, dict) else {"_": parsed}
    body: dict[str, Any] = dict(parse_qsl(raw))
    for key in ("blocks", "view", "attachments"):
        if isinstance(body.get(key), str):
            body[key] = json.loads(body[key])
    return body


def _print_call(call: SlackCall) -> None:
    where = call.body.get("channel") or call.body.get("_key") or ""
    # A refused call (a wrong token, say) must not read like a post that went through.
    refused = f" → refused: {call.answer.get('error')}" if call.answer.get("ok") is False else ""
    print(f"{call.method} {where} {call.text[:100]}".rstrip() + refused, flush=True)


async def _serve(host: str, port: int, token: str) -> None:
    stub = SlackStub(token=token)
    url = await stub.start(host, port)
    print(f"Slack stub listening on {url}")
    print(f"  SLACK_API_URL={url}")
    print(f"  SLACK_BOT_TOKEN={stub.token}")
    print(f"  the demo's workspace: team {TEAM_ID}, bot user {BOT_USER_ID}, channel C0DEMOCHAN")
    print("Every call the app makes is printed below. Press Ctrl-C to stop.", flush=True)
    stub.on_call(_print_call)
    try:
        await asyncio.Event().wait()
    finally:
        await stub.stop()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the Slack stub standalone: `python -m bot.demo.slack_stub [--port N]`."""
    parser = argparse.ArgumentParser(prog="python -m bot.demo.slack_stub", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default="xoxb-local-stub", help="the bot token it accepts")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
