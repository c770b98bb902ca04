"""The run card: one import run as a Slack message."""

from __future__ import annotations

from collections.abc import Collection

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    SectionBlock,
)

from bot import ids
from bot.arena.models import Change, ImportRun
from bot.cards.change import NAME, change_line, change_number, change_url, field, known_changes
from bot.cards.common import (
    BUTTON_VALUE,
    FIELD_TEXT,
    HEADER_TEXT,
    MESSAGE_TEXT,
    CardButton,
    Message,
    button,
    button_value,
    count,
    known,
    mrkdwn,
    plain,
    run_name,
    section,
    status_emoji,
)
from bot.cards.text import (
    MENTION,
    duration,
    escape,
    inline,
    link,
    plural,
    safe_url,
    share,
    shorten,
    slack_date,
    slack_len,
)

WARNING_LINE = 400
WARNINGS_TEXT = 2800  # leaves room for the "and N more" line within a section's 3000
NOTE_TEXT = 1000
FILE_TYPES = {"EXCEL_WORKSHEET": "Excel worksheet", "CSV": "CSV"}
PREVIEW = ":mag: *Preview only — nothing was committed.* Arena checked the rows; none were written."


def _counts(run: ImportRun) -> SectionBlock:
    """Total, succeeded, failed (with the failure share) and warnings."""
    failed = count(run, "error_count")
    if run.error_count > 0 and known(run, "total_count"):
        failed += f" ({share(run.error_count, run.total_count)})"
    values = [
        ("Rows", count(run, "total_count")),
        ("Succeeded", count(run, "success_count")),
        ("Failed", failed),
        ("Warnings", count(run, "warnings")),
    ]
    return SectionBlock(fields=[mrkdwn(field(k, v), FIELD_TEXT) for k, v in values])


def _details(run: ImportRun) -> SectionBlock | None:
    """File type and worksheet, who started the run, when, and how long it took."""
    values: list[tuple[str, str]] = []
    if run.submit_file_type:
        kind = FILE_TYPES.get(run.submit_file_type.upper(), run.submit_file_type)
        values.append(("File", inline(kind, NAME)))
    if run.submit_worksheet_name:
        values.append(("Worksheet", inline(run.submit_worksheet_name, NAME)))
    if run.creator:
        values.append(("Started by", inline(run.creator.display_name, NAME, empty="someone")))
    if run.creation_date_time:
        values.append(("Started", slack_date(run.creation_date_time)))
    if run.completion_date_time:
        values.append(("Finished", slack_date(run.completion_date_time)))
    if run.duration is not None:
        values.append(("Took", duration(run.duration)))
    if not values:
        return None
    return SectionBlock(fields=[mrkdwn(field(k, v), FIELD_TEXT) for k, v in values])


def _warnings_text(run: ImportRun, shown_at_most: int) -> str | None:
    """The warning count, the first few (code and message), and how many more there are."""
    total = run.warnings.total
    if total == 0:
        return None
    lines = [f"*{plural(total, 'warning')}*"]
    used = slack_len(lines[0])
    for warning in run.warnings.results[: max(0, shown_at_most)]:
        code = f"`{warning.code}` " if warning.code is not None else ""
        line = code + inline(warning.message, WARNING_LINE, empty="(no message)")
        if used + slack_len(line) + 1 > WARNINGS_TEXT:
            break
        lines.append(line)
        used += slack_len(line) + 1
    more = total - (len(lines) - 1)
    if more > 0 and len(lines) > 1:
        lines.append(f"_and {more:,} more_")
    return "\n".join(lines)


def _buttons(
    run: ImportRun, value: str, wanted: Collection[CardButton], changes: list[Change]
) -> list[ButtonElement]:
    """The requested buttons that make sense for this run, plus Open in Arena."""
    if len(value) > BUTTON_VALUE:
        return []  # not a GUID Arena would give: nothing a button could act on
    applicable = {
        CardButton.REFRESH: ("Refresh", ids.ACTION_REFRESH, True),
        CardButton.WATCH: ("Watch", ids.ACTION_WATCH, run.is_running),
        CardButton.WARNINGS: ("Show all warnings", ids.ACTION_WARNINGS, run.warnings.total > 0),
        CardButton.FAILED_ROWS: ("Show failed rows", ids.ACTION_FAILED_ROWS, run.error_count > 0),
        CardButton.SHARE: ("Share in channel", ids.ACTION_SHARE, True),
    }
    elements = [
        button(label, action_id, value)
        for kind, (label, action_id, ok) in applicable.items()
        if ok and kind in wanted
    ]
    url = safe_url(change_url(changes))
    if url:
        elements.append(button("Open in Arena", ids.ACTION_OPEN_ARENA, value, url=url))
    return elements


STATUS_TEXT = 40


def run_title(run: ImportRun, import_name: str | None, limit: int) -> str:
    """`Item Master load · run #14 · COMPLETE` within `limit` escaped units (NOT escaped);
    the name is cut first, never the run or its status; without a name `Import run #14 · …`."""
    tail = f"run {shorten(run_name(run), 60)} · {shorten(run.status, STATUS_TEXT)}"
    name = " ".join((import_name or "").split())
    if not name:
        return f"Import {tail}"
    room = limit - slack_len(escape(f" · {tail}"))
    return f"{shorten(name, max(room, 1))} · {tail}"


def _summary(run: ImportRun, changes: list[Change], import_name: str | None) -> str:
    """The notification text: which import, status, counts and change number in one line."""
    preview = "" if run.commit else " (preview)"
    text = run_title(run, import_name, 200) + preview
    counts: list[str] = []
    if run.total_count > 0:
        verb = "so far" if run.is_running else ("imported" if run.commit else "valid")
        counts.append(f"{count(run, 'success_count')} of {count(run, 'total_count')} rows {verb}")
    if run.error_count > 0:
        counts.append(f"{run.error_count:,} failed")
    if run.warnings.total > 0:
        counts.append(plural(run.warnings.total, "warning"))
    if counts:
        text += ": " + ", ".join(counts)
    number = change_number(run, changes)
    if number:
        text += f" ({number})"
    return inline(text, MESSAGE_TEXT)


def run_card(
    run: ImportRun,
    *,
    import_guid: str,
    change: Change | None = None,
    buttons: Collection[CardButton] = (),
    note: str | None = None,
    arena_web_url: str | None = None,
    max_warnings: int = 5,
    import_name: str | None = None,
) -> Message:
    """The card for one import run (Arena text escaped, within Slack's limits)."""
    value = button_value(import_guid, run.guid)
    emoji = status_emoji(run)
    header = f"{emoji} {run_title(run, import_name, HEADER_TEXT - slack_len(emoji) - 1)}"
    blocks: list[Block] = [HeaderBlock(text=plain(header, HEADER_TEXT))]
    if run.is_preview:
        blocks.append(section(PREVIEW))
    blocks.append(_counts(run))
    details = _details(run)
    if details:
        blocks.append(details)
    changes = known_changes(run, change)
    for text in (change_line(run, changes), _warnings_text(run, max_warnings)):
        if text:
            blocks.append(section(text))
    where = f"Import `{inline(import_guid, 100)}` · run `{inline(run.guid, 100)}`"
    if safe_url(arena_web_url):
        where += " · " + link(arena_web_url, "Arena")
    blocks.append(ContextBlock(elements=[mrkdwn(where)]))
    if note:
        blocks.append(ContextBlock(elements=[mrkdwn(note, NOTE_TEXT)]))
    elements = _buttons(run, value, buttons, changes)
    if elements:
        blocks.append(ActionsBlock(elements=elements))
    return Message(text=_summary(run, changes, import_name), blocks=blocks)


MAX_MENTIONS = 10


def with_mentions(message: Message, mentions: str) -> Message:
    """The card addressed to people or groups: named under the header and first in the text."""
    tokens = [t for t in mentions.split() if MENTION.fullmatch(t)][:MAX_MENTIONS]
    if not tokens or not message.blocks:
        return message
    who = " ".join(tokens)
    blocks = [message.blocks[0], section(f"For {who}"), *message.blocks[1:]]
    return Message(text=f"{who} {message.text}", blocks=blocks)
