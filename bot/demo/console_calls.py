"""What the demo console shows of Slack: the workspace's names, and each call the app makes."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bot import ids
from bot.demo.slack_stub import BOT_USER_ID, SlackCall
from bot.terminal.render import Rendered, render_message, render_view

USER = "U0PERSON01"
CHANNEL = "C0DEMOCHAN"
ONCALL = "S0PLMONCAL"
NAMES = {USER: "you", BOT_USER_ID: "importrun", CHANNEL: "plm-imports", ONCALL: "plm-oncall"}
# What Slack does to `@name` in a command with should_escape: the demo workspace's own names.
MENTIONS = {"@plm-oncall": f"<!subteam^{ONCALL}|@plm-oncall>", "@you": f"<@{USER}|you>"}
AT_NAME = re.compile(r"@[\w.-]+")
# Calls that only read Slack (the bot's identity, who is asking): no one sees them in Slack.
UNSEEN = frozenset({"auth.test", "users.info"})


def describe(call: SlackCall) -> tuple[str, Rendered | None] | None:
    """A call the app made to Slack as a title and its rendering (None: not shown)."""
    body, method = call.body, call.method
    where = "#" + NAMES.get(str(body.get("channel", CHANNEL)), str(body.get("channel")))
    if method == "response_url":
        if _true(body.get("delete_original")):
            return "the app removed its earlier reply", None
        public = body.get("response_type") == "in_channel"
        title = f"message in {where}" if public else "reply only you can see"
        if _true(body.get("replace_original")):
            title = f"updated {title}"
        return title, render_message(body, names=NAMES)
    if method == "chat.postMessage":
        thread = " (reply in a thread)" if body.get("thread_ts") else ""
        return f"@importrun in {where}{thread}", render_message(body, names=NAMES)
    if method == "chat.update":
        return f"@importrun updated its message in {where}", render_message(body, names=NAMES)
    if method == "chat.postEphemeral":
        return f"@importrun in {where}, only you can see this", render_message(body, names=NAMES)
    if method in {"views.open", "views.push", "views.update"}:
        verb = "updated" if method == "views.update" else "opened"
        if is_ask_run_modal(call):
            verb += " (fill it in with: submit IMPORT RUN)"
        return f"modal {verb}", render_view(view_of(body), names=NAMES)
    if method == "chat.delete":
        return f"@importrun deleted a message in {where}", None
    if method in UNSEEN:
        return None
    return f"Slack API call {method}", None


def is_ask_run_modal(call: SlackCall) -> bool:
    """Whether the app opened the shortcut's modal that asks for an import and a run."""
    opened = call.method in {"views.open", "views.push", "views.update"}
    return opened and view_of(call.body).get("callback_id") == ids.VIEW_ASK_RUN


def _true(value: object) -> bool:
    return value is True or value == "true"


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {"text": raw.decode(errors="replace")}
    return parsed if isinstance(parsed, dict) else {}


def view_of(body: dict[str, Any]) -> dict[str, Any]:
    view = body.get("view") or {}
    parsed = json.loads(view) if isinstance(view, str) else view
    return dict(parsed) if isinstance(parsed, dict) else {}


def view_id(call: SlackCall) -> str:
    """The ID Slack gave the modal when it was opened."""
    view = call.answer.get("view") or {}
    return str(view.get("id") or call.body.get("view_id") or "V0DEMO0001")


def fake_ts() -> str:
    return f"{time.time():.6f}"
