"""`/importrun` text → a command value; pure, no I/O (names are resolved in dispatch)."""

from __future__ import annotations

import difflib
import re

from bot.answer.command_values import (
    Command,
    Help,
    ImportName,
    ImportRef,
    ListImports,
    ListRuns,
    ListWatches,
    NamesImport,
    RunNumber,
    ShowRun,
    ShowRunNumber,
    Status,
    Subscribe,
    Unsubscribe,
    WatchRun,
    to_text,
    with_import,
)
from bot.answer.tokens import (
    NEWEST,
    Token,
    clean,
    find_import_and_run,
    guids_in_link,
    is_link,
    looks_like_guid,
    number,
    take_mentions,
    tokens,
)
from bot.arena.errors import InvalidGuid
from bot.arena.guid import normalize_guid
from bot.cards.text import inline
from bot.watch.records import FILTERS, SubscriptionFilter

__all__ = [
    "Command",
    "Help",
    "ImportName",
    "ImportRef",
    "ListImports",
    "ListRuns",
    "ListWatches",
    "NamesImport",
    "RunNumber",
    "ShowRun",
    "ShowRunNumber",
    "Status",
    "Subscribe",
    "SubscriptionFilter",
    "Unsubscribe",
    "WatchRun",
    "find_import_and_run",
    "parse",
    "to_text",
    "with_import",
]

VERBS = ("watch", "subscribe", "unsubscribe", "list", "status", "imports", "help")
_HELP_WORDS = frozenset({"help", "-h", "--help", "?"})


def parse(text: str) -> Command:
    """Turn the text after `/importrun` into a command (never raises)."""
    mentions, rest = take_mentions(clean(text))
    words = tokens(rest)
    if not words and not mentions:
        return Help()
    first = words[0] if words else Token("")
    verb = "" if first.quoted else first.text.lower()
    if verb in _HELP_WORDS:
        return Help()
    try:
        if mentions and verb != "subscribe":
            raise _Unparseable("Mentions go with `subscribe IMPORT [filter] @someone`.")
        if verb == "watch":
            import_ref, run = _import_and_run(words[1:], "watch IMPORT RUN")
            return WatchRun(import_ref, run)
        if verb == "subscribe":
            return _subscribe(words[1:], mentions)
        if verb == "unsubscribe":
            return Unsubscribe(_only_import(words[1:], "unsubscribe IMPORT"))
        if verb == "imports":
            return ListImports(" ".join(w.text for w in words[1:]))
        if verb in ("list", "status"):
            if len(words) > 1:
                raise _Typo(
                    f"`{verb}` takes nothing after it (an import named “{verb} …” goes in quotes)."
                )
            return ListWatches() if verb == "list" else Status()
        _not_a_typo(first, words)
        return _show(words)
    except (InvalidGuid, _Unparseable) as exc:
        return Help(str(exc))
    except _Typo as exc:
        return Help(str(exc), markup=True)


class _Unparseable(Exception):
    """The text does not fit the grammar; the message says how."""


class _Typo(Exception):
    """A verb mistyped or misused; the message is finished mrkdwn."""


def closest_verb(word: str) -> str | None:
    """The verb `word` was probably meant to be (`wach` → `watch`), if any is close."""
    found = difflib.get_close_matches(word.lower(), VERBS, n=1, cutoff=0.75)
    return found[0] if found else None


def _not_a_typo(first: Token, words: list[Token]) -> None:
    """An unknown first word close to a verb is a typo, not an import's name."""
    if first.quoted or looks_like_guid(first.text) or is_link(first.text):
        return
    verb = closest_verb(first.text)
    if verb is None:
        return
    word = inline(first.text, 40)
    usage = "subscribe IMPORT" if verb == "subscribe" else verb
    hint = f"(An import named “{word}” goes in quotes.)" if len(words) == 1 else f"Try `{usage} …`."
    raise _Typo(f"There is no `{word}` command: did you mean `{verb}`? {hint}")


def _is_run(token: Token) -> bool:
    word = token.text
    if token.quoted or is_link(word):
        return False
    return word.lower() in NEWEST or number(word) is not None or looks_like_guid(word)


def _run(token: Token) -> str | RunNumber:
    word = token.text
    if word.lower() in NEWEST:
        return RunNumber(None)
    if (run_number := number(word)) is not None:
        return RunNumber(run_number)
    return normalize_guid(word, what="run GUID")


def _show(words: list[Token]) -> Command:
    import_words, run_word = (words[:-1], words[-1]) if len(words) > 1 else (words, None)
    if run_word is not None and not _is_run(run_word):
        if len(words) == 2 and looks_like_guid(words[0].text) and not run_word.quoted:
            # An import GUID, then a bad run: the GUID is said first when it is the mistake.
            normalize_guid(words[0].text, what="import GUID")
            normalize_guid(run_word.text, what="run GUID")
        import_words, run_word = words, None
    import_ref, run_in_link = _import(import_words, total=len(words))
    if run_word is None:
        return ShowRun(import_ref, run_in_link) if run_in_link else ListRuns(import_ref)
    if run_in_link:
        raise _Unparseable("The link already names a run; give either a link or two GUIDs.")
    run = _run(run_word)
    if isinstance(run, RunNumber):
        return ShowRunNumber(import_ref, run.number)
    return ShowRun(import_ref, run)


# What a channel link (`<#C…|name>`) leaves of itself once the text is made readable.
_CHANNEL = re.compile(r"#[CG][A-Z0-9]{2,30}")


def _subscribe(words: list[Token], mentions: tuple[str, ...]) -> Subscribe:
    usage = "subscribe IMPORT [all|failures|warnings] [@someone …]"
    raw = [w.text for w in words if not w.quoted and w.text.startswith("@")]
    if raw:
        raise _Unparseable(
            f"Slack sent {raw[0][:40]} as plain text, not as a mention: pick the person or "
            "group from Slack's list as you type their name."
        )
    if any(_CHANNEL.fullmatch(w.text) for w in words if not w.quoted):
        raise _Unparseable(
            "A subscription is for the channel you type it in: run this command in that "
            "channel, without naming it."
        )
    choice = "all"
    if words and not words[-1].quoted and words[-1].text.lower() in FILTERS:
        choice, words = words[-1].text.lower(), words[:-1]
    if not words:
        raise _Unparseable(f"Usage: {usage}.")
    if len(words) == 2 and not words[1].quoted and _is_import_word(words[0]):
        raise _Unparseable(
            f"{words[1].text[:40]!r} is not a filter: use all, failures or warnings."
        )
    return Subscribe(_import(words)[0], choice, mentions)  # type: ignore[arg-type]


def _import_and_run(words: list[Token], usage: str) -> tuple[ImportRef, str | RunNumber]:
    if len(words) == 1:
        import_ref, run_in_link = _import(words)
        if run_in_link:
            return import_ref, run_in_link
    elif len(words) >= 2 and _is_run(words[-1]):
        import_ref, run_in_link = _import(words[:-1])
        if not run_in_link:
            return import_ref, _run(words[-1])
    joined = " ".join(w.text for w in words)
    raise _Unparseable(f"Usage: {usage} (got {joined[:80]!r}).")


def _only_import(words: list[Token], usage: str) -> ImportRef:
    if not words:
        raise _Unparseable(f"Usage: {usage}.")
    return _import(words)[0]


def _is_import_word(token: Token) -> bool:
    return not token.quoted and (looks_like_guid(token.text) or is_link(token.text))


def _import(words: list[Token], *, total: int = 0) -> tuple[ImportRef, str | None]:
    """The import (GUID, link or name) and the run a link names, if any."""
    if len(words) == 1 and not words[0].quoted:
        word = words[0].text
        if is_link(word):
            import_guid, run_guid = guids_in_link(word)
            if import_guid is None:
                raise _Unparseable(f"No Arena GUID found in {word[:80]!r}.")
            return import_guid, run_guid
        if looks_like_guid(word):
            return normalize_guid(word, what="import GUID"), None
    if len(words) > 1 and any(_is_import_word(w) for w in words):
        count = max(total, len(words))
        raise _Unparseable(f"Expected an import and a run, but got {count} words.")
    name = " ".join(w.text for w in words)
    if not name:
        raise _Unparseable("Name the import: its name, part of it, or its GUID.")
    return ImportName(name), None
