"""The change order a run was added to, from Arena's lookup or the run itself."""

from __future__ import annotations

from collections.abc import Callable

from bot.arena.models import Change, ImportRun
from bot.cards.text import humanise, inline, link

NAME = 200


def field(label: str, value: str) -> str:
    """One field: a bold label over its value."""
    return f"*{label}*\n{value}"


def known_changes(run: ImportRun, change: Change | None) -> list[Change]:
    """The change looked up in Arena first, then the one embedded in the run."""
    return [c for c in (change, run.change) if c is not None]


def first(changes: list[Change], get: Callable[[Change], str | None]) -> str | None:
    """The first non-empty value among the known versions of the change."""
    return next((value for c in changes if (value := get(c))), None)


def change_line(run: ImportRun, changes: list[Change]) -> str | None:
    """The change order line: linked number, title, lifecycle status."""
    number = change_number(run, changes)
    title = first(changes, lambda c: c.title)
    status = first(changes, lambda c: c.lifecycle_status.type if c.lifecycle_status else None)
    if not number and not title:
        return None
    parts = [link(change_url(changes), inline(number, NAME, empty="Change"))]
    if title:
        parts.append(inline(title, NAME))
    if status:
        parts.append(f"_{inline(humanise(status), NAME)}_")
    return field("Change order", " · ".join(parts))


def change_number(run: ImportRun, changes: list[Change]) -> str | None:
    """The change order's number (untrusted: escape afterwards)."""
    return first(changes, lambda c: c.number) or run.change_number


def change_url(changes: list[Change]) -> str | None:
    """Arena's web page for the change, as Arena gave it (check with `safe_url`)."""
    return first(changes, lambda c: c.app_url)
