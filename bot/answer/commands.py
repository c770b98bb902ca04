"""`/importrun` text → a command value; pure, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.arena.errors import InvalidGuid
from bot.arena.guid import normalize_guid
from bot.watch.records import FILTERS, SubscriptionFilter

# A Slack link arrives as <url|label> or <url>; keep only the URL part.
_SLACK_LINK = re.compile(r"<([^<>|]+)(?:\|[^<>]*)?>")
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{20}(?![0-9A-Za-z])")
_IMPORT_RUN_PATH = re.compile(
    r"imports/([0-9A-Za-z]{20})(?:/runs/([0-9A-Za-z]{20}))?(?![0-9A-Za-z])", re.IGNORECASE
)
_RUN_NUMBER = re.compile(r"#?(\d{1,9})")


@dataclass(frozen=True)
class ShowRun:
    """The card of one run, named by GUIDs."""

    import_guid: str
    run_guid: str


@dataclass(frozen=True)
class ShowRunNumber:
    """The card of a run named by its number; `number=None` means the newest run."""

    import_guid: str
    number: int | None


@dataclass(frozen=True)
class ListRuns:
    """An import definition and its newest runs."""

    import_guid: str


@dataclass(frozen=True)
class WatchRun:
    """Post the card now and update it when the run finishes."""

    import_guid: str
    run_guid: str


@dataclass(frozen=True)
class Subscribe:
    """Announce the import's finished runs in this channel."""

    import_guid: str
    filter: SubscriptionFilter = "all"


@dataclass(frozen=True)
class Unsubscribe:
    """Stop announcing the import's runs in this channel."""

    import_guid: str


@dataclass(frozen=True)
class ListWatches:
    """This channel's watches and subscriptions."""


@dataclass(frozen=True)
class Status:
    """Arena reachability, quota and polling state."""


@dataclass(frozen=True)
class Help:
    """Usage; `problem` says what was wrong with the text, if anything."""

    problem: str | None = None


Command = (
    ShowRun
    | ShowRunNumber
    | ListRuns
    | WatchRun
    | Subscribe
    | Unsubscribe
    | ListWatches
    | Status
    | Help
)


def find_import_and_run(text: str) -> tuple[str | None, str | None]:
    """The first import/run GUID pair in free text (bare GUIDs or inside Arena links)."""
    text = _SLACK_LINK.sub(r" \1 ", text)
    for match in _IMPORT_RUN_PATH.finditer(text):
        if match.group(2):
            return match.group(1).upper(), match.group(2).upper()
    # A GUID repeated (a message's text echoed in its blocks) is still one GUID, not a pair.
    guids = list(dict.fromkeys(g.upper() for g in _CANDIDATE.findall(text) if _looks_like_guid(g)))
    first = guids[0] if guids else None
    second = guids[1] if len(guids) > 1 else None
    return first, second


def _looks_like_guid(word: str) -> bool:
    # In free text a 20-letter word ("internationalization") is not a GUID: Arena's are
    # upper case and almost always hold a digit.
    return word.isupper() or any(ch.isdigit() for ch in word)


def parse(text: str) -> Command:
    """Turn the text after `/importrun` into a command (never raises)."""
    words = _SLACK_LINK.sub(r" \1 ", text).split()
    if not words or words[0].lower() in {"help", "-h", "--help", "?"}:
        return Help()
    verb = words[0].lower()
    try:
        if verb == "watch":
            import_guid, run_guid = _import_and_run(words[1:], "watch IMPORT RUN")
            return WatchRun(import_guid, run_guid)
        if verb == "subscribe":
            return _subscribe(words[1:])
        if verb == "unsubscribe":
            return Unsubscribe(_only_import(words[1:], "unsubscribe IMPORT"))
        if verb == "list":
            return ListWatches()
        if verb == "status":
            return Status()
        return _show(words)
    except InvalidGuid as exc:
        return Help(str(exc))
    except _Unparseable as exc:
        return Help(str(exc))


class _Unparseable(Exception):
    """The text does not fit the grammar; the message says how."""


def _show(words: list[str]) -> Command:
    if len(words) == 1:
        import_guid, run_guid = _guids_in(words[0])
        if run_guid:
            return ShowRun(import_guid, run_guid)
        return ListRuns(import_guid)
    if len(words) > 2:
        raise _Unparseable(f"Expected an import and a run, but got {len(words)} words.")
    first, second = words
    import_guid, run_in_url = _guids_in(first)
    if run_in_url:
        raise _Unparseable("The link already names a run; give either a link or two GUIDs.")
    if second.lower() in {"latest", "last", "newest"}:
        return ShowRunNumber(import_guid, None)
    if number := _RUN_NUMBER.fullmatch(second):
        return ShowRunNumber(import_guid, int(number.group(1)))
    return ShowRun(import_guid, _guids_in(second, what="run GUID")[0])


def _subscribe(words: list[str]) -> Subscribe:
    if not words or len(words) > 2:
        raise _Unparseable("Usage: subscribe IMPORT [all|failures|warnings].")
    import_guid = _only_import(words[:1], "subscribe IMPORT [all|failures|warnings]")
    choice = words[1].lower() if len(words) == 2 else "all"
    if choice not in FILTERS:
        raise _Unparseable(f"{choice!r} is not a filter: use all, failures or warnings.")
    return Subscribe(import_guid, choice)  # type: ignore[arg-type]


def _import_and_run(words: list[str], usage: str) -> tuple[str, str]:
    joined = " ".join(words)
    if len(words) == 1:
        import_guid, run_guid = _guids_in(words[0])
        if run_guid:
            return import_guid, run_guid
    elif len(words) == 2:
        return _guids_in(words[0])[0], _guids_in(words[1], what="run GUID")[0]
    raise _Unparseable(f"Usage: {usage} (got {joined!r}).")


def _only_import(words: list[str], usage: str) -> str:
    if len(words) != 1:
        raise _Unparseable(f"Usage: {usage}.")
    return _guids_in(words[0])[0]


def _guids_in(word: str, *, what: str = "import GUID") -> tuple[str, str | None]:
    """A bare GUID, or an Arena URL holding an import (and maybe a run) GUID."""
    if "/" in word:
        if match := _IMPORT_RUN_PATH.search(word):
            run = match.group(2).upper() if match.group(2) else None
            return match.group(1).upper(), run
        found = [g for g in _CANDIDATE.findall(word) if _looks_like_guid(g)]
        if found:
            return found[0].upper(), None
        raise _Unparseable(f"No Arena GUID found in {word!r}.")
    return normalize_guid(word, what=what), None
