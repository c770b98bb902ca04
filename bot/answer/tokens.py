"""What people type, made readable: invisible characters, quotes, mentions, links; pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from bot.cards.text import MENTION

# Pasted text brings zero-width spaces, joiners, BOMs and soft hyphens along; none is meant.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"),
    None,
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000"), " ")
# A Slack link arrives as <url|label> or <url>; keep only the URL part.
_SLACK_LINK = re.compile(r"<([^<>|]+)(?:\|[^<>]*)?>")
_QUOTED = re.compile(r'"([^"]*)"?|[“„”]([^“”„]*)[”“]?|(\S+)')
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{20}(?![0-9A-Za-z])")
_IMPORT_RUN_PATH = re.compile(
    r"imports/([0-9A-Za-z]{20})(?:/runs/([0-9A-Za-z]{20}))?(?![0-9A-Za-z])", re.IGNORECASE
)
_GUID_LIKE = re.compile(r"[0-9A-Za-z]{16,24}")
_NUMBER = re.compile(r"#?(\d{1,9})")
# What a run's newest goes by, wherever a run is asked for.
NEWEST = frozenset({"latest", "last", "newest"})


@dataclass(frozen=True)
class Token:
    """One word, or a quoted phrase (`quoted`: never a verb, a filter or a run)."""

    text: str
    quoted: bool = False


def clean(text: str) -> str:
    """Invisible characters dropped, odd spaces made plain."""
    return text.translate(_INVISIBLE).translate(_SPACES)


def take_mentions(text: str) -> tuple[tuple[str, ...], str]:
    """Slack's escaped mentions (`<@U…>`, `<!subteam^S…>`, `<!here>`…), and the rest."""
    found = tuple(dict.fromkeys(f"<{m.group(1)}>" for m in MENTION.finditer(text)))
    return found, MENTION.sub(" ", text)


def tokens(text: str) -> list[Token]:
    """Words and quoted phrases (straight or curly quotes), links unwrapped to their URL."""
    found: list[Token] = []
    for match in _QUOTED.finditer(_SLACK_LINK.sub(r" \1 ", text)):
        word = match.group(3)
        if word is not None:
            found.append(Token(word))
        else:
            phrase = " ".join((match.group(1) or match.group(2) or "").split())
            if phrase:
                found.append(Token(phrase, quoted=True))
    return found


def looks_like_guid(word: str) -> bool:
    """Meant as a GUID (validated as one), though perhaps a character short or long."""
    return (
        bool(_GUID_LIKE.fullmatch(word))
        and any(ch.isdigit() for ch in word)
        and (not word.isdigit())
    )


def number(word: str) -> int | None:
    """The number a word is, as people type a run's or an import's (`14`, `#14`); else None."""
    found = _NUMBER.fullmatch(word)
    return int(found.group(1)) if found else None


def is_link(word: str) -> bool:
    """A URL or path, as pasted from Arena."""
    return "/" in word or "?" in word


def guids_in_link(word: str) -> tuple[str | None, str | None]:
    """The import and run GUIDs of an Arena link: in its path, or in its query string."""
    if match := _IMPORT_RUN_PATH.search(word):
        return match.group(1).upper(), match.group(2).upper() if match.group(2) else None
    try:
        query = parse_qsl(urlsplit(word).query)
    except ValueError:
        query = []
    named: dict[str, str] = {}
    for key, value in query:
        guid = value.strip().upper()
        if not _CANDIDATE.fullmatch(guid):
            continue
        kind = "run" if "run" in key.lower() else "import" if "import" in key.lower() else ""
        if kind:
            named.setdefault(kind, guid)
    if "import" in named:
        return named["import"], named.get("run")
    found = _guids_of(word)
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def find_import_and_run(text: str) -> tuple[str | None, str | None]:
    """The first import/run GUID pair in free text (bare GUIDs or inside Arena links)."""
    text = _SLACK_LINK.sub(r" \1 ", clean(text))
    for match in _IMPORT_RUN_PATH.finditer(text):
        if match.group(2):
            return match.group(1).upper(), match.group(2).upper()
    for word in text.split():
        if is_link(word) and "=" in word:
            first, second = guids_in_link(word)
            if first and second:
                return first, second
    guids = _guids_of(text)
    return (guids[0] if guids else None), (guids[1] if len(guids) > 1 else None)


def _guids_of(text: str) -> list[str]:
    # A GUID repeated (a message's text echoed in its blocks) is still one GUID, not a pair.
    return list(dict.fromkeys(g.upper() for g in _CANDIDATE.findall(text) if _plausible(g)))


def _plausible(word: str) -> bool:
    # In free text a 20-letter word ("internationalization") is not a GUID: Arena's are
    # upper case and almost always hold a digit.
    return word.isupper() or any(ch.isdigit() for ch in word)
