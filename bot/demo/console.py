"""The demo console: a person types what they would type in Slack and reads the app's answers."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from typing import Any, TextIO

import httpx

from bot import ids
from bot.demo.console_calls import (
    AT_NAME,
    CHANNEL,
    MENTIONS,
    NAMES,
    UNSEEN,
    USER,
    describe,
    fake_ts,
    is_ask_run_modal,
    parse_json,
    view_id,
    view_of,
)
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import BOT_USER_ID, SlackCall, SlackStub
from bot.demo.terminal import EditedLines, LineReader
from bot.terminal.render import Button, render_message

PROMPT = "> "
REPLY_TIMEOUT = 20.0
QUIET = 0.3  # a reply is complete once Slack has heard nothing more for this long
WIDTH = 72
HELP = """\
This console plays Slack for the demo app:
  /importrun TEXT  (or just TEXT)  sends the slash command, signed as Slack signs it
  a number                         presses that button of the last card or modal
  shortcut MESSAGE TEXT            runs the "Show import run" shortcut on a message
  submit IMPORT RUN                fills in and submits the shortcut's modal
  @plm-oncall, @you                mention the demo's on-call group, or you
  help                             this text and the app's own usage
  exit or Ctrl-D                   stops the demo
Posts the app makes on its own (watched runs, subscriptions) appear as they arrive."""


@dataclass(frozen=True)
class Target:
    """The last message or modal that had buttons: what a number presses."""

    buttons: list[Button]
    call: SlackCall
    ts: str


class Console:
    """Reads lines, sends them as Slack would, prints what the app sends back."""

    def __init__(
        self, slack: SlackStub, events: SlackEvents, out: TextIO, *, interactive: bool
    ) -> None:
        self._slack = slack
        self._events = events
        self._out = out
        self._interactive = interactive
        self._target: Target | None = None
        self._keys = itertools.count(1)
        self._at_prompt = False
        self._asking = False  # a command or press is waiting for its answer
        self._editor: EditedLines | None = None  # readline draws the prompt itself
        self._modal: dict[str, Any] | None = None  # the shortcut's open modal, if any
        slack.on_call(self.show)

    async def run(self, lines: LineReader) -> None:
        """Until `exit` or the end of input."""
        if isinstance(lines, EditedLines):
            self._editor = lines
        while True:
            if self._interactive and self._editor is None:
                self._write(PROMPT, newline=False)
                self._at_prompt = True
            line = await lines.readline()
            self._at_prompt = False
            if line is None:
                break
            if not self._interactive and line.strip():
                self._write("\n" + PROMPT + line.strip())
            if not await self.handle(line.strip()):
                break
        self._write("\nDemo stopped.")

    async def handle(self, line: str) -> bool:
        """Act on one line; False when the person wants to stop."""
        word = line.lower()
        if not line:
            return True
        if word in {"exit", "quit", "bye"}:
            return False
        self._asking = True
        try:
            if word in {"help", "?"}:
                self._write(HELP)
                await self.command("help")
            elif line.isdigit():
                await self.press(int(line))
            elif word == "shortcut" or word.startswith("shortcut "):
                await self.shortcut(line[len("shortcut") :].strip())
            elif word == "submit" or word.startswith("submit "):
                await self.submit(line[len("submit") :].strip())
            elif line.startswith("/") and line.split()[0] != ids.COMMAND:
                self._write(f"Only {ids.COMMAND} is installed in this workspace.")
            else:
                await self.command(line.removeprefix(ids.COMMAND).strip())
        finally:
            self._asking = False
        return True

    async def command(self, text: str) -> None:
        """Send `/importrun text` and wait for the app's answer."""
        before = len(self._slack.calls)
        url = self._slack.response_url(f"c{next(self._keys)}")
        escaped = AT_NAME.sub(lambda m: MENTIONS.get(m.group(0), m.group(0)), text)
        response = await self._events.slash_command(escaped, response_url=url, channel=CHANNEL)
        await self._answered(response, before)

    async def shortcut(self, text: str) -> None:
        """The message shortcut on a message of `text` in the channel."""
        if not text:
            self._write("Give the message's text: shortcut the BOM import failed again")
            return
        before = len(self._slack.calls)
        message = {"type": "message", "text": text, "ts": fake_ts(), "user": USER}
        url = self._slack.response_url(f"s{next(self._keys)}")
        response = await self._events.message_shortcut(
            ids.SHORTCUT_SHOW_RUN, message, response_url=url, channel=CHANNEL
        )
        await self._answered(response, before)

    async def submit(self, text: str) -> None:
        """Fill in the shortcut's modal (the import by typing into its select) and submit it."""
        modal = self._modal
        words = text.rsplit(maxsplit=1)
        if modal is None:
            self._write("No modal is open: try `shortcut which run was it?` first.")
            return
        if len(words) != 2:
            self._write("Give the import and the run: submit master latest")
            return
        typed, run = words[0].strip('"“” '), words[1]
        offered = await self._events.block_suggestion(
            ids.ACTION_PICK_IMPORT, typed, view=modal, block_id="import"
        )
        options = parse_json(offered.content).get("options") or []
        if not options:
            self._write(f"The import select offers nothing for “{typed}”.")
            return
        self._write(
            f"(the import select offers {', '.join(o['text']['text'] for o in options)};"
            f" choosing {options[0]['text']['text']})"
        )
        values = {
            "import": {ids.ACTION_PICK_IMPORT: {"selected_option": options[0]}},
            "run": {"value": {"type": "plain_text_input", "value": run}},
        }
        before = len(self._slack.calls)
        response = await self._events.view_submission({**modal, "state": {"values": values}})
        answer = parse_json(response.content) if response.content.strip() else {}
        if answer.get("response_action") == "errors":
            for field, error in answer.get("errors", {}).items():
                self._write(f"The modal's {field} field: {error}")
            return
        self._modal = None
        await self._answered(response, before)

    async def press(self, number: int) -> None:
        """Press button `number` of the last card or modal, as Slack sends a block action."""
        target = self._target
        button = next((b for b in target.buttons if b.number == number), None) if target else None
        if target is None or button is None:
            self._write(f"There is no button [{number}] on the last card.")
            return
        if button.url:
            self._write(f"↗ {button.label} opens {button.url} in a browser.")
        before = len(self._slack.calls)
        response = await self._events.block_action(button.action(), **self._where(target))
        await self._answered(response, before, expect_reply=not button.url)

    def show(self, call: SlackCall) -> None:
        """Print one call the app made to Slack (listener of the Slack stub)."""
        if is_ask_run_modal(call):
            self._modal = view_of(call.body) | {"id": view_id(call)}
        shown = describe(call)
        if shown is None:
            return
        title, rendered = shown
        lead = "" if self._asking and not self._at_prompt else "\n"  # set apart if unasked
        self._write(f"{lead}── {title} " + "─" * max(3, WIDTH - len(title) - 4))
        if rendered is not None:
            self._write(rendered.text)
            if rendered.buttons:
                self._target = Target(rendered.buttons, call, fake_ts())
        if self._at_prompt and self._editor is None:
            self._write(PROMPT, newline=False)

    def _where(self, target: Target) -> dict[str, Any]:
        """Where the pressed button was, as Slack describes it in a block_actions payload."""
        call, body = target.call, target.call.body
        response_url = self._slack.response_url(f"a{next(self._keys)}")
        if call.method.startswith("views."):
            return {"view": view_of(body) | {"id": view_id(call), "state": {"values": {}}}}
        if call.method == "response_url" and body.get("response_type") != "in_channel":
            # Slack sends no `message` for an ephemeral one: only where it was.
            container = {"type": "message", "message_ts": target.ts, "channel_id": CHANNEL}
            return {"response_url": response_url, "container": container | {"is_ephemeral": True}}
        channel = str(body.get("channel", CHANNEL))
        answer = call.answer
        ts = str(body.get("ts") or answer.get("ts") or target.ts)
        message = {
            "type": "message",
            "ts": ts,
            "user": BOT_USER_ID,
            "bot_id": "B0BOT00001",
            "text": body.get("text", ""),
            "blocks": body.get("blocks", []),
        }
        return {
            "response_url": response_url,
            "channel": channel,
            "message": message,
            "container": {"type": "message", "message_ts": ts, "channel_id": channel},
        }

    async def _answered(
        self, response: httpx.Response, before: int, *, expect_reply: bool = True
    ) -> None:
        """Report an error status, show an immediate answer, then wait for the app's calls."""
        if response.status_code != 200:
            reason = "it has no listener for this" if response.status_code == 404 else "an error"
            self._write(
                f"The app answered HTTP {response.status_code} ({reason}); "
                "Slack would show the person an error."
            )
            return
        if response.content.strip():
            with_body = parse_json(response.content)
            if with_body.get("text") or with_body.get("blocks"):
                self._write(render_message(with_body, names=NAMES).text)
                expect_reply = False
        if not expect_reply:
            return
        try:
            await self._slack.wait_until(lambda: self._new_calls(before) > 0, REPLY_TIMEOUT)
        except TimeoutError:
            self._write(f"(No answer from the app within {REPLY_TIMEOUT:g} s.)")
            return
        await self._quiet()

    def _new_calls(self, before: int) -> int:
        return sum(1 for call in self._slack.calls[before:] if call.method not in UNSEEN)

    async def _quiet(self, longest: float = 3.0) -> None:
        """Let the rest of a reply arrive (a reply may be several calls)."""
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline:
            seen = len(self._slack.calls)
            await asyncio.sleep(QUIET)
            if len(self._slack.calls) == seen:
                return

    def _write(self, text: str, *, newline: bool = True) -> None:
        if self._editor is not None:
            self._editor.interrupt()
        self._out.write(text + ("\n" if newline else ""))
        self._out.flush()
        if self._editor is not None:
            self._editor.redraw()
