"""Import definitions as messages: the `imports` list and the choice between several matches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, SectionBlock

from bot import ids
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards.common import BUTTON_VALUE, HEADER_TEXT, Message, button, mrkdwn, plain, section
from bot.cards.lists import run_summary
from bot.cards.text import inline, plural

MAX_CHOICES = 10
MAX_IMPORTS = 15
NAME = 150

Newest = ImportRun | None | Exception
"""A definition's newest run, None when it has none, the failure when it could not be read."""


def definition_label(definition: ImportDefinition) -> str:
    """`*Item Master load* (#3)`, escaped; the GUID when the definition has no name."""
    name = inline(definition.name, NAME) or f"`{inline(definition.guid, 40)}`"
    number = f" (#{definition.number})" if definition.number is not None else ""
    return f"*{name}*{number}"


def import_choices(text: str, options: Sequence[tuple[ImportDefinition, str]]) -> Message:
    """Several definitions match `text`: one line each with a button giving the command again."""
    shown = f"“{inline(text, 100)}”"
    intro = f"Several import definitions match {shown}; choose one:"
    blocks: list[Block] = [section(intro)]
    for definition, command_text in options[:MAX_CHOICES]:
        accessory = (
            button("Choose", ids.ACTION_CHOOSE_IMPORT, command_text)
            if len(command_text) <= BUTTON_VALUE
            else None
        )
        line = f"{definition_label(definition)} · `{inline(definition.guid, 40)}`"
        blocks.append(SectionBlock(text=mrkdwn(line), accessory=accessory))
    if len(options) > MAX_CHOICES:
        more = len(options) - MAX_CHOICES
        blocks.append(section(f"_and {more:,} more: type more of the name._"))
    summary = f"{plural(len(options), 'import definition')} match {shown}; choose one."
    return Message(text=summary, blocks=blocks)


def _newest_line(newest: Newest, now: datetime) -> str:
    if isinstance(newest, Exception):
        return "newest run: not available right now"
    if newest is None:
        return "no runs yet"
    return run_summary(newest, now)


def imports_list(
    text: str, rows: Sequence[tuple[ImportDefinition, Newest]], *, total: int, now: datetime
) -> Message:
    """The definitions (whose name contains `text`), each with its newest run and a button."""
    title = f"📥 Imports matching “{text}”" if text else "📥 Import definitions"
    blocks: list[Block] = [HeaderBlock(text=plain(title, HEADER_TEXT))]
    for definition, newest in rows[:MAX_IMPORTS]:
        line = f"{definition_label(definition)}\n{_newest_line(newest, now)}"
        value = definition.guid
        accessory = (
            button("Recent runs", ids.ACTION_LIST_RUNS, value)
            if len(value) <= BUTTON_VALUE
            else None
        )
        blocks.append(SectionBlock(text=mrkdwn(line), accessory=accessory))
    if not rows:
        which = f" whose name contains “{inline(text, 100)}”" if text else ""
        blocks.append(section(f"The bot sees no import definition{which}."))
    shown = min(len(rows), MAX_IMPORTS)
    footer = f"{plural(total, 'import definition')}"
    if shown < total:
        footer += f" · the first {shown:,} shown: add part of a name to narrow them down"
    blocks.append(ContextBlock(elements=[mrkdwn(footer)]))
    summary = inline(f"{title.removeprefix('📥 ')}: {plural(total, 'definition')}", 1000)
    return Message(text=summary, blocks=blocks)
