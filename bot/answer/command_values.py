"""The values the `/importrun` grammar yields: one frozen dataclass per command."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from bot.watch.records import SubscriptionFilter


@dataclass(frozen=True)
class ImportName:
    """An import definition named by its name, part of it, or its number; dispatch resolves it."""

    text: str


ImportRef = str | ImportName
"""An import definition: its GUID (upper case), or an `ImportName` still to resolve."""


@dataclass(frozen=True)
class RunNumber:
    """A run by its number; `None` means the newest run."""

    number: int | None


@dataclass(frozen=True)
class ShowRun:
    """The card of one run, named by GUIDs."""

    import_ref: ImportRef
    run_guid: str


@dataclass(frozen=True)
class ShowRunNumber:
    """The card of a run named by its number; `number=None` means the newest run."""

    import_ref: ImportRef
    number: int | None


@dataclass(frozen=True)
class ListRuns:
    """An import definition and its newest runs."""

    import_ref: ImportRef


@dataclass(frozen=True)
class WatchRun:
    """Post the card now and update it when the run finishes."""

    import_ref: ImportRef
    run: str | RunNumber


@dataclass(frozen=True)
class Subscribe:
    """Announce the import's finished runs in this channel, mentioning `mentions`."""

    import_ref: ImportRef
    filter: SubscriptionFilter = "all"
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unsubscribe:
    """Stop announcing the import's runs in this channel."""

    import_ref: ImportRef


@dataclass(frozen=True)
class ListImports:
    """The import definitions whose name contains `text` (all when empty), one page of them."""

    text: str = ""
    page: int = 0


@dataclass(frozen=True)
class ListWatches:
    """This channel's watches and subscriptions."""


@dataclass(frozen=True)
class Status:
    """Arena reachability, quota and polling state."""


@dataclass(frozen=True)
class Help:
    """Usage; `problem` says what was wrong with the text (finished mrkdwn when `markup`)."""

    problem: str | None = None
    markup: bool = False


NamesImport = ShowRun | ShowRunNumber | ListRuns | WatchRun | Subscribe | Unsubscribe
"""The commands that name an import definition."""

Command = NamesImport | ListImports | ListWatches | Status | Help

C = TypeVar("C", bound=NamesImport)


def with_import(command: C, import_guid: str) -> C:
    """The same command, its import named by GUID."""
    return replace(command, import_ref=import_guid)


def to_text(command: NamesImport) -> str:
    """The `/importrun` text that gives this command again (GUIDs as they are)."""
    ref = command.import_ref
    imp = ref if isinstance(ref, str) else _quoted(ref.text)
    match command:
        case ShowRun(run_guid=run):
            return f"{imp} {run}"
        case ShowRunNumber(number=number):
            return f"{imp} {'latest' if number is None else number}"
        case ListRuns():
            return imp
        case WatchRun(run=run):
            shown = (
                run if isinstance(run, str) else ("latest" if run.number is None else run.number)
            )
            return f"watch {imp} {shown}"
        case Subscribe(filter=choice, mentions=mentions):
            return " ".join(["subscribe", imp, choice, *mentions])
        case Unsubscribe():
            return f"unsubscribe {imp}"


def _quoted(name: str) -> str:
    return f"“{name}”" if " " in name or not name else name
