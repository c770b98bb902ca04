"""Block Kit messages and views as readable terminal text, buttons as numbered labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from bot.terminal.mrkdwn import Names, plain_text

Json = Mapping[str, Any]
COLUMN = 34  # width of the first column of a section's fields


@dataclass(frozen=True)
class Button:
    """A button as the terminal shows it: `[number] label`, with what pressing it sends."""

    number: int
    label: str
    action_id: str
    value: str | None = None
    url: str | None = None
    block_id: str | None = None

    def action(self) -> dict[str, Any]:
        """The `actions[0]` of the block_actions payload Slack sends when it is pressed."""
        pressed: dict[str, Any] = {"action_id": self.action_id, "text": _plain(self.label)}
        for key in ("value", "url", "block_id"):
            if getattr(self, key) is not None:
                pressed[key] = getattr(self, key)
        return pressed


@dataclass
class Rendered:
    """The text of one message or view and the buttons in it, numbered in reading order."""

    text: str
    buttons: list[Button] = field(default_factory=list)


@dataclass
class _Renderer:
    tz: tzinfo | None
    now: datetime | None
    names: Names
    first: int
    buttons: list[Button] = field(default_factory=list)

    def text(self, obj: object) -> str:
        if not isinstance(obj, Mapping):
            return ""
        raw = str(obj.get("text", ""))
        if obj.get("type") == "mrkdwn":
            return plain_text(raw, tz=self.tz, now=self.now, names=self.names)
        return raw

    def button(self, element: Json, block_id: str | None) -> str:
        number = self.first + len(self.buttons)
        label = self.text(element.get("text")) or "button"
        url = element.get("url")
        self.buttons.append(
            Button(
                number=number,
                label=label,
                action_id=str(element.get("action_id", "")),
                value=element.get("value"),
                url=str(url) if url else None,
                block_id=block_id,
            )
        )
        return f"[{number}] {label}" + (" ↗" if url else "")

    def element(self, element: object, block_id: str | None) -> str:
        if not isinstance(element, Mapping):
            return ""
        kind = element.get("type")
        if kind == "button":
            return self.button(element, block_id)
        if kind in ("mrkdwn", "plain_text"):
            return self.text(element)
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        placeholder = self.text(element.get("placeholder"))
        return f"[{kind}{': ' + placeholder if placeholder else ''}]"

    def block(self, block: Json) -> list[str]:
        kind = block.get("type")
        block_id = block.get("block_id")
        if kind == "header":
            title = self.text(block.get("text"))
            return [title, "═" * min(60, max(3, len(title)))]
        if kind == "section":
            return self.section(block, block_id)
        if kind == "context":
            parts = [self.element(e, block_id) for e in block.get("elements", [])]
            return [" · ".join(p for p in parts if p)]
        if kind == "actions":
            parts = [self.element(e, block_id) for e in block.get("elements", [])]
            return ["  ".join(p for p in parts if p)]
        if kind == "divider":
            return ["─" * 40]
        if kind == "image":
            return [f"[image: {block.get('alt_text', '')}]"]
        if kind == "input":
            label = self.text(block.get("label"))
            return [f"{label}: {self.element(block.get('element'), block_id)}"]
        if kind == "rich_text":
            return [_rich_text(block)]
        return [f"[{kind} block]"]

    def section(self, block: Json, block_id: str | None) -> list[str]:
        lines = self.text(block.get("text")).splitlines() if block.get("text") else []
        fields = [_field(self.text(f)) for f in block.get("fields", [])]
        lines += _columns(fields)
        accessory = block.get("accessory")
        if accessory is not None:
            shown = self.element(accessory, block_id)
            if lines:
                lines[0] = f"{lines[0]}   {shown}"
            else:
                lines = [shown]
        return lines


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _field(text: str) -> str:
    """`Label\\nvalue` (a bold label over its value) as `Label: value`."""
    label, _, value = text.partition("\n")
    return f"{label}: {' '.join(value.split())}" if value else label


def _columns(fields: Sequence[str]) -> list[str]:
    """Fields two to a line, as Slack lays them out; one to a line when they are long."""
    if not fields:
        return []
    if any(len(f) >= COLUMN for f in fields[::2]):
        return list(fields)
    pairs = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    return [pair[0].ljust(COLUMN) + pair[1] if len(pair) == 2 else pair[0] for pair in pairs]


def _rich_text(block: Json) -> str:
    """The words of a rich_text block (its styling dropped)."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for child in node.get("elements", []):
                walk(child)

    walk(block)
    return "".join(out)


def _render(blocks: Sequence[Json], fallback: str, r: _Renderer) -> list[str]:
    lines: list[str] = []
    one_liner = False  # a list of one-line sections (warnings, runs) stays a compact list
    for block in blocks:
        rendered = r.block(block)
        spaced = block.get("type") in ("section", "context", "actions")
        single = block.get("type") == "section" and len(rendered) == 1
        if lines and spaced and lines[-1] and not (one_liner and single):
            lines.append("")
        lines += rendered
        one_liner = single
    if not blocks and fallback:
        lines = plain_text(fallback, tz=r.tz, now=r.now, names=r.names).splitlines()
    return lines


def render_message(
    message: Json,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    names: Names | None = None,
    first: int = 1,
) -> Rendered:
    """A message (`text` and `blocks`) as terminal text; buttons numbered from `first`."""
    r = _Renderer(tz, now, names or {}, first)
    lines = _render(message.get("blocks") or [], str(message.get("text") or ""), r)
    return Rendered("\n".join(lines).strip("\n"), r.buttons)


def render_view(
    view: Json,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    names: Names | None = None,
    first: int = 1,
) -> Rendered:
    """A modal: its title, its blocks, and its Submit/Close labels."""
    r = _Renderer(tz, now, names or {}, first)
    title = r.text(view.get("title")) or "Modal"
    lines = [f"▣ {title}", "", *_render(view.get("blocks") or [], "", r)]
    closing = [r.text(view.get(k)) for k in ("submit", "close") if view.get(k)]
    if closing:
        lines += ["", "  ".join(f"({label})" for label in closing)]
    return Rendered("\n".join(lines).strip("\n"), r.buttons)
