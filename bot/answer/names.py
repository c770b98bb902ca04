"""Import definitions by name: exact first, else a unique name containing the text."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.answer.commands import ImportRef
from bot.answer.tokens import number
from bot.arena.errors import ArenaError
from bot.arena.guid import wrong_length
from bot.arena.models import ImportDefinition
from bot.cards.text import inline, shorten, slack_len
from bot.runs.definitions import REFRESH_AFTER, Definitions

SEARCH_LIMIT = 50


class UnknownName(Exception):
    """No definition the bot can see has this name (or number); `near` are similar names."""

    def __init__(self, text: str, near: Sequence[str] = ()) -> None:
        super().__init__(text)
        self.text = text
        self.near = list(near)


def unknown_sentence(
    exc: UnknownName, *, hint: str = "", markup: bool = True, limit: int | None = None
) -> str:
    """The one sentence for a name no definition has, the close names (`near`) offered, then
    `hint` (where to see the names: it differs between Slack and the command line). Finished
    mrkdwn with `markup`, else plain text (names as typed, not escaped); within `limit` UTF-16
    units (a modal's field error) by shortening the names rather than cutting the sentence.

    A name like a GUID copied a few characters short or long (`IM4QX7N2BK9D3WZTRH5`: 18 to 22
    upper-case letters and digits) that no definition has, and no name is close to, is said to
    be one."""
    mistyped = None if exc.near else _mistyped_guid(exc.text)
    if mistyped is not None:
        return mistyped[:limit]
    for width in (100, 60, 30, 12):
        said = _unknown(exc, hint, markup, width)
        if limit is None or slack_len(said) <= limit:
            return said
    return said[:limit]


def _mistyped_guid(text: str) -> str | None:
    word = text.strip()
    if not (18 <= len(word) <= 22 and word.isupper() and word.isalnum()):
        return None
    return wrong_length(word, what="import GUID")


def _unknown(exc: UnknownName, hint: str, markup: bool, width: int) -> str:
    def quoted(name: str) -> str:
        return f"“{inline(name, width) if markup else shorten(name, width)}”"

    near = " or ".join(quoted(name) for name in exc.near)
    maybe = f" Did you mean {near}?" if near else ""
    more = f" {hint}" if hint else ""
    return f"No import definition the bot can see is named like {quoted(exc.text)}.{maybe}{more}"


class AmbiguousName(Exception):
    """Several definitions match; the person chooses one."""

    def __init__(self, text: str, matches: Sequence[ImportDefinition]) -> None:
        super().__init__(text)
        self.text = text
        self.matches = list(matches)


def fold(text: str | None) -> str:
    """A name as compared: case-folded, whitespace collapsed."""
    return " ".join((text or "").casefold().split())


def matching(definitions: Sequence[ImportDefinition], text: str) -> list[ImportDefinition]:
    """The definitions `text` names: by number (`#3`), an exact name, else names containing it."""
    if (typed := number(text.strip())) is not None:
        by_number = [d for d in definitions if d.number == typed]
        if by_number:
            return by_number
    wanted = fold(text)
    if not wanted:
        return []
    exact = [d for d in definitions if fold(d.name) == wanted]
    return exact or [d for d in definitions if wanted in fold(d.name)]


def containing(definitions: Sequence[ImportDefinition], text: str) -> list[ImportDefinition]:
    """The definitions whose name contains `text` (all of them for no text), by name."""
    wanted = fold(text)
    found = [d for d in definitions if wanted in fold(d.name) or wanted == d.guid.casefold()]
    return sorted(found, key=lambda d: (fold(d.name), d.number or 0))


async def find(definitions: Definitions, text: str) -> list[ImportDefinition]:
    """The definitions `text` names: the cached list, read again if a name is missing from an
    older list; Arena's own search when the list holds only the first page."""
    found = matching(await definitions.all(), text)
    if not found and (definitions.age() or 0) >= REFRESH_AFTER:
        found = matching(await definitions.all(fresher_than=REFRESH_AFTER), text)
    if not found and not definitions.complete:
        searched = await definitions.search(f"*{text.strip()}*", limit=SEARCH_LIMIT)
        found = matching(searched, text)
    return found


async def resolve(definitions: Definitions, ref: ImportRef) -> str:
    """The GUID an import reference stands for; `UnknownName` or `AmbiguousName` otherwise."""
    guid, _ = await resolve_named(definitions, ref)
    return guid


async def resolve_named(definitions: Definitions, ref: ImportRef) -> tuple[str, str | None]:
    """The GUID, and the import's name when the person named it (None when they gave its GUID:
    sentences about it say the GUID back); `UnknownName` or `AmbiguousName` otherwise."""
    if isinstance(ref, str):
        return ref, None
    found = await find(definitions, ref.text)
    if len(found) == 1:
        return found[0].guid, found[0].name or ref.text
    if found:
        raise AmbiguousName(ref.text, found)
    names = [d.name for d in await definitions.all() if d.name]
    raise UnknownName(ref.text, difflib.get_close_matches(ref.text, names, n=2, cutoff=0.6))


async def example_names(definitions: Definitions, *, ask_arena: bool) -> list[str]:
    """Two names of definitions the bot can see, for help's examples (none when unknown)."""
    try:
        listed = await definitions.all() if ask_arena else definitions.listed()
    except ArenaError:
        return []
    return [d.name for d in listed if d.name and len(d.name) <= 60][:2]
