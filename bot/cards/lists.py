"""Short answers: an import's recent runs, usage help, and one-sentence errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, SectionBlock

from bot import ids
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards.common import (
    BUTTON_VALUE,
    HEADER_TEXT,
    Message,
    button,
    button_value,
    count,
    mrkdwn,
    plain,
    run_name,
    section,
    status_emoji,
)
from bot.cards.text import ago, clip, inline, plural

MAX_RUNS = 10
NAME = 200
SENTENCE = 2000
_OLDEST = datetime.min.replace(tzinfo=UTC)

USAGE = f"""\
*{ids.COMMAND}* shows Arena import runs. `IMPORT` is an import definition's name (in quotes \
when it has spaces; part of it will do), its number, or its GUID; `RUN` is a run's number, \
`latest`, or its GUID. An Arena link to a run works in place of both.
• `{ids.COMMAND} imports [TEXT]`: the import definitions (whose name contains TEXT), \
each with its newest run
• `{ids.COMMAND} IMPORT`: the import's recent runs, newest first
• `{ids.COMMAND} IMPORT latest`, `{ids.COMMAND} IMPORT 14`, `{ids.COMMAND} IMPORT RUN`: \
a run's card
• `{ids.COMMAND} watch IMPORT RUN`: post the card here and update it when the run finishes
• `{ids.COMMAND} subscribe IMPORT [all|failures|warnings] [@someone …]`: hear about every \
finished run of that import here (or only failed ones, or ones with errors or warnings), \
mentioning whom you name
• `{ids.COMMAND} unsubscribe IMPORT`: stop hearing about it
• `{ids.COMMAND} list`: this channel's watches and subscriptions
• `{ids.COMMAND} status`: is Arena reachable, requests left today, polling
In Arena, both GUIDs are in the address of a run's page: `…/imports/IMPORT/runs/RUN`."""


def examples(names: Sequence[str]) -> str:
    """Examples with definitions the bot can see (escaped), or the way to find them."""
    if not names:
        return f"For example: `{ids.COMMAND} imports` lists the import definitions the bot sees."
    first, second = inline(names[0], 60), inline(names[-1], 60)
    return (
        f"For example: `{ids.COMMAND} {_quote(first)} latest` or "
        f"`{ids.COMMAND} subscribe {_quote(second)} failures`"
    )


def _quote(name: str) -> str:
    return f'"{name}"' if " " in name else name


def _newest(runs: Sequence[ImportRun]) -> list[ImportRun]:
    """The newest runs first: by number (Arena numbers a definition's runs in order), then time."""
    ordered = sorted(
        runs,
        key=lambda r: (r.number or 0, r.creation_date_time or _OLDEST),
        reverse=True,
    )
    return ordered[:MAX_RUNS]


def run_summary(run: ImportRun, now: datetime) -> str:
    """One run: status emoji, number, status, counts, age."""
    parts = [f"{status_emoji(run)} *{inline(run_name(run), 100)}* {inline(run.status, 100)}"]
    if not run.commit:
        parts.append("preview")
    parts.append(f"{count(run, 'success_count')} of {count(run, 'total_count')} rows")
    if run.error_count > 0:
        parts.append(f"{run.error_count:,} failed")
    if run.warnings.total > 0:
        parts.append(plural(run.warnings.total, "warning"))
    if run.creation_date_time:
        parts.append(ago(run.creation_date_time, now))
    return " · ".join(parts)


def runs_list(definition: ImportDefinition, runs: Sequence[ImportRun], *, now: datetime) -> Message:
    """An import definition and its newest runs, each with a Show button."""
    name = definition.name or definition.guid
    number = f" (#{definition.number})" if definition.number is not None else ""
    blocks: list[Block] = [HeaderBlock(text=plain(f"📥 {name}{number}", HEADER_TEXT))]
    if definition.description:
        blocks.append(section(inline(definition.description, SENTENCE)))
    newest = _newest(runs)
    for run in newest:
        value = button_value(definition.guid, run.guid)
        accessory = (
            button("Show", ids.ACTION_SHOW_RUN, value) if len(value) <= BUTTON_VALUE else None
        )
        blocks.append(SectionBlock(text=mrkdwn(run_summary(run, now)), accessory=accessory))
    if not newest:
        blocks.append(section("This import has no runs yet."))
    footer = f"Import `{inline(definition.guid, 100)}` · newest {plural(len(newest), 'run')}"
    blocks.append(ContextBlock(elements=[mrkdwn(footer)]))
    text = f"{name}{number}: newest {plural(len(newest), 'run')}"
    return Message(text=inline(text, SENTENCE), blocks=blocks)


def error_message(sentence: str, *, markup: bool = False) -> Message:
    """A one-sentence failure reply; escaped, unless it is the bot's own finished `markup`."""
    body = clip(sentence, SENTENCE) if markup else inline(sentence, SENTENCE)
    text = f":warning: {body or 'Something went wrong.'}"
    return Message(text=text, blocks=[section(text)])


def help_message(
    problem: str | None = None, names: Sequence[str] = (), *, markup: bool = False
) -> Message:
    """Usage of the slash command with examples, after what was wrong (if anything)."""
    blocks: list[Block] = []
    text = (
        f"Usage: {ids.COMMAND} imports, IMPORT, IMPORT latest, IMPORT 14, watch, subscribe, "
        "list, status"
    )
    if problem:
        said = clip(problem, SENTENCE) if markup else inline(problem, SENTENCE)
        sentence = f":warning: {said}"
        blocks.append(section(sentence))
        text = f"{sentence} {text}"
    blocks += [section(USAGE), ContextBlock(elements=[mrkdwn(examples(names))])]
    return Message(text=text, blocks=blocks)
