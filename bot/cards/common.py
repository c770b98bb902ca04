"""What every card shares: the Message value, button values, text objects, status emoji."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.arena.models import ImportRun
from bot.cards.dicts import as_dicts
from bot.cards.text import clip, inline

SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
MESSAGE_TEXT = 1000


class CardButton(StrEnum):
    """The optional buttons a caller may ask for on a run card."""

    REFRESH = "refresh"
    SHARE = "share"
    WARNINGS = "warnings"
    WATCH = "watch"
    FAILED_ROWS = "failed_rows"


@dataclass(frozen=True)
class Message:
    """A Slack message: notification text and Block Kit blocks."""

    text: str
    blocks: list[Block]

    def to_dict(self) -> dict[str, Any]:
        """The `text` and `blocks` arguments of `chat.postMessage` or `respond()`."""
        return {"text": self.text, "blocks": as_dicts(self.blocks)}


def button_value(import_guid: str, run_guid: str) -> str:
    """The value carried by a run's buttons: `IMPORT/RUN`."""
    return f"{import_guid}/{run_guid}"


def parse_button_value(value: str) -> tuple[str, str]:
    """`IMPORT/RUN` → (import GUID, run GUID); ValueError when it is not that shape."""
    parts = value.split("/")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"not an IMPORT/RUN button value: {value!r}")
    return parts[0], parts[1]


def page_button_value(import_guid: str, run_guid: str, page: int) -> str:
    """The value of a warnings page button: `IMPORT/RUN/PAGE`."""
    return f"{import_guid}/{run_guid}/{page}"


def parse_page_value(value: str) -> tuple[str, str, int]:
    """`IMPORT/RUN/PAGE` → (import GUID, run GUID, page); ValueError otherwise."""
    head, _, page = value.rpartition("/")
    if not page.isdigit():
        raise ValueError(f"not an IMPORT/RUN/PAGE button value: {value!r}")
    return (*parse_button_value(head), int(page))


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> MarkdownTextObject:
    """A verbatim mrkdwn text object, cut to `limit`."""
    return MarkdownTextObject(text=clip(text, limit) or " ", verbatim=True)


def plain(text: str, limit: int) -> PlainTextObject:
    """A plain_text object with emoji, escaped and cut to `limit`."""
    return PlainTextObject(text=inline(text, limit) or " ", emoji=True)


def section(text: str) -> SectionBlock:
    """A section holding one mrkdwn text."""
    return SectionBlock(text=mrkdwn(text))


def button(label: str, action_id: str, value: str, *, url: str | None = None) -> ButtonElement:
    """A button with a fixed label."""
    return ButtonElement(text=plain(label, BUTTON_TEXT), action_id=action_id, value=value, url=url)


def status_emoji(run: ImportRun) -> str:
    """✅ clean, ⚠️ complete with errors, ❌ error, ⏳ running, 🗑️ purged, ❔ anything else."""
    status = run.status.upper()
    if status == "COMPLETE":
        return "⚠️" if run.error_count > 0 else "✅"
    return {"ERROR": "❌", "RUNNING": "⏳", "CREATED": "⏳", "PURGED": "🗑️"}.get(status, "❔")


UNKNOWN = "unknown"
_COUNT_FIELDS = {"total_count", "success_count", "error_count"}


def known(run: ImportRun, name: str) -> bool:
    """Whether Arena sent a readable `name` (a count or warnings) for this run."""
    if name == "warnings":
        return "warnings" not in run.unreadable and "count" not in run.warnings.unreadable
    return name not in run.unreadable


def count(run: ImportRun, name: str) -> str:
    """A count with thousands separators, or `unknown` when Arena's value was unreadable."""
    if not known(run, name):
        return UNKNOWN
    value: int = run.warnings.total if name == "warnings" else getattr(run, name)
    return f"{value:,}"


def run_name(run: ImportRun) -> str:
    """`#14`, or the run's GUID when Arena gave no number (untrusted: escape afterwards)."""
    return f"#{run.number}" if run.number is not None else run.guid
