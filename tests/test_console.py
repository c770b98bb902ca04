"""The demo console plays Slack faithfully: automated posts shown, buttons pressed as Slack does."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import pytest_asyncio
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.demo.console import Console
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackStub
from bot.demo.terminal import EditedLines

SECRET = "console-test-secret"
CARD = {
    "channel": "C0DEMOCHAN",
    "text": "Import run #16 COMPLETE",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "✅ Import run #16 · COMPLETE"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "run_refresh",
                    "text": {"type": "plain_text", "text": "Refresh"},
                    "value": "IMPORT/RUN",
                }
            ],
        },
    ],
}


@dataclass
class FakeApp:
    """Stands in for the app: checks Slack's signature, keeps payloads, answers by response_url."""

    payloads: list[dict[str, Any]] = field(default_factory=list)

    async def events(self, request: web.Request) -> web.Response:
        raw = await request.text()
        if not SignatureVerifier(SECRET).is_valid_request(raw, dict(request.headers)):
            return web.Response(status=401)
        payload = json.loads(dict(parse_qsl(raw))["payload"])
        self.payloads.append(payload)
        async with httpx.AsyncClient() as http:
            await http.post(payload["response_url"], json={"text": "*Refreshed*"})
        return web.Response()


@dataclass
class Setup:
    slack: SlackStub
    app: FakeApp
    console: Console
    out: io.StringIO


@pytest_asyncio.fixture
async def setup() -> AsyncIterator[Setup]:
    """A Slack stub, a fake app on loopback, and a console between them."""
    slack, app = SlackStub(), FakeApp()
    await slack.start()
    server = web.Application()
    server.router.add_post("/slack/events", app.events)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    out = io.StringIO()
    async with httpx.AsyncClient() as http:
        console = Console(slack, SlackEvents(http, url, SECRET), out, interactive=False)
        yield Setup(slack, app, console, out)
    await runner.cleanup()
    await slack.stop()


async def post_as_the_app(slack: SlackStub, method: str, body: dict[str, Any]) -> dict[str, Any]:
    """Call the stub's Web API as the app's AsyncWebClient would."""
    async with httpx.AsyncClient() as http:
        headers = {"Authorization": f"Bearer {slack.token}"}
        answer: dict[str, Any] = (
            await http.post(f"{slack.url}{method}", json=body, headers=headers)
        ).json()
        return answer


async def test_an_automated_post_is_printed_as_it_arrives(setup: Setup) -> None:
    """A chat.postMessage nobody asked for appears, titled with its channel, buttons numbered."""
    await post_as_the_app(setup.slack, "chat.postMessage", CARD)
    shown = setup.out.getvalue()
    assert "── @importrun in #plm-imports " in shown
    assert "✅ Import run #16 · COMPLETE" in shown
    assert "[1] Refresh" in shown


async def test_pressing_a_button_of_a_posted_message(setup: Setup) -> None:
    """The press is a signed block_actions payload naming the message by the ts Slack gave it."""
    answer = await post_as_the_app(setup.slack, "chat.postMessage", CARD)
    await setup.console.press(1)
    (payload,) = setup.app.payloads
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["action_id"] == "run_refresh"
    assert payload["actions"][0]["value"] == "IMPORT/RUN"
    assert payload["message"]["ts"] == answer["ts"]
    assert payload["container"]["message_ts"] == answer["ts"]
    assert payload["channel"]["id"] == "C0DEMOCHAN"
    assert "Refreshed" in setup.out.getvalue().split("[1] Refresh", 1)[1]


async def test_pressing_a_button_of_a_private_reply(setup: Setup) -> None:
    """An ephemeral reply's button: no `message` in the payload, as Slack sends it."""
    async with httpx.AsyncClient() as http:
        await http.post(setup.slack.response_url("r1"), json=CARD | {"response_type": "ephemeral"})
    assert "reply only you can see" in setup.out.getvalue()
    await setup.console.press(1)
    (payload,) = setup.app.payloads
    assert "message" not in payload
    assert payload["container"]["is_ephemeral"] is True
    assert payload["response_url"].startswith(setup.slack.root)


def test_the_terminal_line_editor(capsys: pytest.CaptureFixture[str]) -> None:
    """Arrows move and recall, Backspace and Ctrl-U edit, Ctrl-C ends the input."""
    lines = EditedLines(0, "> ")
    lines._saved = []  # as if started on a terminal
    typed = [
        b"abc\x1b[D\x1b[DX\r",  # a X bc: two Left arrows, then X
        b"\x1b[A\r",  # Up: the line before, again
        b"oops\x7f\x7f\x7f\x7fstatus\r",  # four Backspaces
        b"junk\x15list\r",  # Ctrl-U empties the line
        "caf\u00e9\r".encode(),  # UTF-8 as typed
        b"\x03",  # Ctrl-C
    ]
    for data in typed:
        lines._feed(data)
    got = []
    while not lines._lines.empty():
        got.append(lines._lines.get_nowait())
    assert got == ["aXbc", "aXbc", "status", "list", "café", None]
    capsys.readouterr()
    lines._feed(b"xy\x1b[D")
    assert capsys.readouterr().out.endswith("\r\x1b[K> xy\x1b[1D")  # the cursor before y
