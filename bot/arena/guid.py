"""Arena GUIDs: 20 characters of [0-9A-Z], accepted in any case."""

from __future__ import annotations

import re

from bot.arena.errors import InvalidGuid

GUID_LENGTH = 20
_GUID = re.compile(r"[0-9A-Z]{20}")


def normalize_guid(text: str, *, what: str = "GUID") -> str:
    """Return `text` as an upper-case GUID, or raise `InvalidGuid` saying what was wrong."""
    candidate = text.strip().upper()
    if _GUID.fullmatch(candidate):
        return candidate
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise InvalidGuid(
        f"{shown!r} is not a valid {what}: Arena GUIDs are 20 letters and digits.",
        code=3011,
    )


def is_guid(text: str) -> bool:
    """True when `text` is a GUID in any case."""
    return _GUID.fullmatch(text.strip().upper()) is not None
