"""Import definitions as messages: the `imports` list and the choice between several matches."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ContextBlock, HeaderBlock, SectionBlock

from bot import ids
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards.common import BUTTON_VALUE, HEADER_TEXT, Message, button, mrkdwn, plain, section
from bot.cards.lists import run_summary
from bot.cards.text import inline, plural

MAX_CHOICES = 10
PAGE_SIZE = 5
"""Definitions on one page of the `imports` list: each costs a runs read for its newest run."""
NAME = 150
_PAGE = re.compile(r"[0-9]{1,9}")

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


def page_value(text: str, page: int) -> str:
    """The value of a Previous / Next button of the `imports` list: `PAGE/TEXT`."""
    return f"{page}/{text}"


def parse_page_value(value: str) -> tuple[str, int]:
    """`PAGE/TEXT` → (text, page); a value of another shape is the first page of all."""
    page, slash, text = value.partition("/")
    # 0-9 only, and few: str.isdigit() also takes '²', and int() refuses 4,301 digits or more.
    if not slash or not _PAGE.fullmatch(page):
        return "", 0
    return text, int(page)


def imports_list(
    text: str,
    rows: Sequence[tuple[ImportDefinition, Newest]],
    *,
    total: int,
    page: int = 0,
    now: datetime,
) -> Message:
    """One page of the definitions (whose name contains `text`), each with its newest run and
    a button to its recent runs; Previous and Next when there are more."""
    title = f"📥 Imports matching “{text}”" if text else "📥 Import definitions"
    blocks: list[Block] = [HeaderBlock(text=plain(title, HEADER_TEXT))]
    for definition, newest in rows[:PAGE_SIZE]:
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
    first = page * PAGE_SIZE
    shown = min(len(rows), PAGE_SIZE)
    footer = f"{plural(total, 'import definition')}"
    if shown and shown < total:
        footer += (
            f" · {first + 1:,}–{first + shown:,} shown: add part of a name to narrow them down"
        )
    blocks.append(ContextBlock(elements=[mrkdwn(footer)]))
    for target, label in ((page - 1, "← Previous"), (page + 1, "Next →")):
        value = page_value(text, target)
        if 0 <= target * PAGE_SIZE < total and len(value) <= BUTTON_VALUE:
            # One block per button: action_ids must be unique within a block.
            blocks.append(ActionsBlock(elements=[button(label, ids.ACTION_IMPORTS_PAGE, value)]))
    summary = inline(f"{title.removeprefix('📥 ')}: {plural(total, 'definition')}", 1000)
    return Message(text=summary, blocks=blocks)
