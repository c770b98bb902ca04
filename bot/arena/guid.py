"""Arena GUIDs: 20 characters of [0-9A-Z], accepted in any case."""

from __future__ import annotations

import re

from bot.arena.errors import InvalidGuid

GUID_LENGTH = 20
_GUID = re.compile(r"[0-9A-Z]{20}")
# A GUID copied a few characters short (or with a few more): meant as one all the same.
_NEAR_GUID = re.compile(r"[0-9A-Z]{16,24}")


def normalize_guid(text: str, *, what: str = "GUID") -> str:
    """Return `text` as an upper-case GUID, or raise `InvalidGuid` saying what was wrong."""
    candidate = text.strip().upper()
    if _GUID.fullmatch(candidate):
        return candidate
    shown = text if len(text) <= 40 else text[:37] + "..."
    said = wrong_length(text, what=what)
    raise InvalidGuid(
        said or f"{shown!r} is not a valid {what}: Arena GUIDs are 20 letters and digits.",
        code=3011,
    )


def wrong_length(text: str, *, what: str = "GUID") -> str | None:
    """The sentence for a GUID copied a few characters short or long (16 to 24 letters and
    digits); None when `text` is a GUID or nothing like one."""
    word = text.strip()
    if len(word) == GUID_LENGTH or not _NEAR_GUID.fullmatch(word.upper()):
        return None
    article = "an" if what[:1].lower() in "aeiou" else "a"
    return (
        f"“{word}” looks like {article} {what} but has {len(word)} characters, and Arena's have "
        f"{GUID_LENGTH}: copy it again from the address of the run's page in Arena."
    )


def is_guid(text: str) -> bool:
    """True when `text` is a GUID in any case."""
    return _GUID.fullmatch(text.strip().upper()) is not None
