"""Modals: all of a run's warnings, page by page, and the first failed rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ContextBlock, DividerBlock
from slack_sdk.models.views import View

from bot import ids
from bot.arena.models import ImportRun
from bot.cards.common import (
    BUTTON_VALUE,
    button,
    button_value,
    mrkdwn,
    page_button_value,
    plain,
    run_name,
    section,
)
from bot.cards.text import inline, multiline, plural

TITLE = 24
MAX_PAGE_SIZE = 90  # with the 5 framing blocks, a page stays within a modal's 100
WARNING_TEXT = 1500
MAX_ROWS = 40
COLUMN = 100
CELL = 300
FULL_FILE = (
    "The full error file is in Arena: open the run in the Import Engine"
    " and download its error file."
)


def _modal(title: str, blocks: list[Block], metadata: str | None = None) -> View:
    """A read-only modal with a Close button."""
    return View(
        type="modal",
        title=plain(title, TITLE),
        close=plain("Close", TITLE),
        blocks=blocks,
        private_metadata=metadata,
    )


def _run_title(prefix: str, run: ImportRun) -> str:
    """`Warnings · run #14`, or just the prefix when the number would not fit."""
    title = f"{prefix} · run {run_name(run)}"
    return title if len(title) <= TITLE else prefix


def warnings_view(run: ImportRun, *, import_guid: str, page: int = 0, page_size: int = 40) -> View:
    """A modal listing the run's warnings, `page_size` at a time, with Previous and Next."""
    results = run.warnings.results
    size = min(max(page_size, 1), MAX_PAGE_SIZE)
    pages = max(1, -(-len(results) // size))
    page = min(max(page, 0), pages - 1)
    start = page * size
    shown = results[start : start + size]
    name = inline(run_name(run), 100)
    intro = f"*{plural(run.warnings.total, 'warning')}* in import run {name}"
    if shown:
        intro += f" · {start + 1:,}–{start + len(shown):,}"
    if len(results) < run.warnings.total:
        intro += f"\nArena sent the text of {len(results):,} of them."
    blocks: list[Block] = [section(intro), DividerBlock()]
    for warning in shown:
        code = f"`{warning.code}` " if warning.code is not None else ""
        blocks.append(
            section(code + multiline(warning.message, WARNING_TEXT, empty="(no message)"))
        )
    if not shown:
        blocks.append(section("Arena sent no warning text for this run."))
    blocks.append(ContextBlock(elements=[mrkdwn(f"Page {page + 1:,} of {pages:,}")]))
    metadata = button_value(import_guid, run.guid)
    for target, label in ((page - 1, "← Previous"), (page + 1, "Next →")):
        value = page_button_value(import_guid, run.guid, target)
        if 0 <= target < pages and len(value) <= BUTTON_VALUE:
            # One block per button: action_ids must be unique within a block.
            blocks.append(ActionsBlock(elements=[button(label, ids.ACTION_WARNINGS_PAGE, value)]))
    title = _run_title("Warnings", run)
    return _modal(title, blocks, metadata if len(metadata) <= BUTTON_VALUE else None)


def _row_text(row: Mapping[str, str], columns: Sequence[str]) -> str:
    """One failed row: each column's name and value on its own line."""
    names = list(columns) + [key for key in row if key not in columns]
    lines = []
    for index, column in enumerate(names):
        label = inline(column, COLUMN, empty=f"column {index + 1}")
        value = inline(row.get(column), CELL, empty="–")
        lines.append(f"*{label}*: {value}")
    return "\n".join(lines) or "(empty row)"


def failed_rows_view(
    run: ImportRun, *, header: Sequence[str], rows: Sequence[Mapping[str, str]], total: int
) -> View:
    """A modal with the first rows of the run's error file, the total, and where the rest is."""
    total = max(total, len(rows))
    shown = rows[:MAX_ROWS]
    name = inline(run_name(run), 100)
    intro = f"*{plural(total, 'failed row')}* in import run {name}."
    if not shown:
        intro += " Arena's error file has no rows to show."
    elif len(shown) < total:
        intro += f" The first {len(shown):,} are below."
    blocks: list[Block] = [section(intro + "\n" + FULL_FILE), DividerBlock()]
    blocks += [section(_row_text(row, header)) for row in shown]
    blocks.append(ContextBlock(elements=[mrkdwn(f"Showing {len(shown):,} of {total:,} rows.")]))
    return _modal(_run_title("Failed rows", run), blocks)
