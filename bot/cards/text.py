"""Safe mrkdwn text: escaping untrusted text, cutting to Slack's limits, and links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

ELLIPSIS = "…"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A lookalike for the backtick: Arena text must not open or close our code spans.
_BACKTICK_STANDIN = "ˋ"
# Units that must never be cut: Slack tokens (<…>), entities (&amp;), code spans, then one char.
_ATOM = re.compile(r"<[^<>]*>|&(?:[A-Za-z]+|#\d+);|`[^`]+`|.", re.DOTALL)
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")
_URL_QUOTES = {"|": "%7C", "<": "%3C", ">": "%3E", '"': "%22", "`": "%60"}
MAX_URL = 1000
_SLACK_ID = re.compile(r"[A-Z0-9]{1,32}")
# A mention as Slack escapes it: a person, a user group, or @here, @channel, @everyone.
MENTION = re.compile(
    r"<(@[UW][A-Z0-9]{2,30}|!subteam\^[A-Z0-9]{2,30}|!(?:here|channel|everyone))(?:\|[^<>]*)?>"
)


def slack_len(text: str) -> int:
    """Length in UTF-16 code units (never less than `len`; the stricter way to count)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Replace Slack's three control characters with their entities (and nothing else)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut_units(units: list[str], limit: int) -> str:
    """Join whole units within `limit`, adding an ellipsis when anything was left out."""
    whole = "".join(units)
    if len(whole) * 2 <= limit or slack_len(whole) <= limit:  # one encode, not one per unit
        return whole
    return _leading(units, map(slack_len, units), limit)


def _leading(units: Iterable[str], sizes: Iterable[int], limit: int) -> str:
    """The first units whose sizes fit in `limit` with the ellipsis, and the ellipsis."""
    kept: list[str] = []
    used = 0
    for unit, size in zip(units, sizes, strict=True):
        if used + size > limit - 1:
            break
        kept.append(unit)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS


def _untrusted_units(text: str) -> list[str]:
    """Untrusted text as escaped units, each one source character."""
    text = text.replace("`", _BACKTICK_STANDIN)
    return [_ENTITIES.get(ch, ch) for ch in text]


def inline(text: str | None, limit: int, *, empty: str = "") -> str:
    """Untrusted text as one escaped line of at most `limit` units (whitespace collapsed)."""
    flat = " ".join((text or "").split())
    return _cut_units(_untrusted_units(flat), limit) if flat else empty


def shorten(text: str, limit: int) -> str:
    """Untrusted text on one line, NOT escaped, cut so that escaped it fits `limit` units."""
    flat = " ".join(text.split())
    if slack_len(escape(flat)) <= limit:
        return flat
    return _leading(flat, (slack_len(escape(ch)) for ch in flat), limit)


def multiline(text: str | None, limit: int, *, empty: str = "") -> str:
    """Untrusted text, escaped, keeping single line breaks, at most `limit` units."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    joined = "\n".join(line for line in lines if line)
    return _cut_units(_untrusted_units(joined), limit) if joined else empty


def clip(mrkdwn: str, limit: int) -> str:
    """Cut finished mrkdwn to `limit` units, never inside a token, entity or code span."""
    if slack_len(mrkdwn) <= limit:
        return mrkdwn
    # A lone "<" is never valid mrkdwn; as an entity it cannot dangle.
    units = ["&lt;" if m == "<" else m for m in _ATOM.findall(mrkdwn)]
    return _cut_units(units, limit)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a link or a button, or None when it is not safe to use."""
    if not url or _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    quoted = "".join(_URL_QUOTES.get(ch, ch) for ch in url)
    return quoted if len(quoted) <= MAX_URL else None


def link(url: str | None, label: str) -> str:
    """A mrkdwn link to `url` labelled with escaped `label`, or just the label if unsafe."""
    safe = safe_url(url)
    return f"<{safe.replace('&', '&amp;')}|{label}>" if safe else label


def plural(count: int, noun: str) -> str:
    """`1 warning`, `12 warnings`, with thousands separators."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def humanise(code: str | None) -> str:
    """`OPEN_AND_UNLOCKED` → `Open and unlocked` (still untrusted: escape afterwards)."""
    words = " ".join((code or "").replace("_", " ").split()).lower()
    return words[:1].upper() + words[1:]


def share(failed: int, total: int) -> str:
    """Failed rows as an escaped percentage: `0.01 %`, `&lt;0.01 %`, `12.5 %`, `100 %`."""
    if failed <= 0 or total <= 0:
        return "0 %"
    if failed >= total:
        return f"{failed / total * 100:.0f} %"
    pct = failed / total * 100
    if pct < 0.01:
        return "&lt;0.01 %"
    if pct < 1:
        return f"{pct:.2f} %"
    return "&gt;99.9 %" if pct > 99.9 else f"{pct:.1f} %"


def _utc(moment: datetime) -> datetime:
    """The moment in UTC (a naive time is taken to be UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def slack_date(moment: datetime) -> str:
    """A `<!date^…>` token that each reader sees in their own time zone, with a UTC fallback."""
    utc = _utc(moment)
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def duration(span: timedelta) -> str:
    """A short duration: `1 d 0 h`, `2 h 5 min`, `3 min 12 s`, `45 s`."""
    seconds = max(0, int(span.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days:,} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def ago(moment: datetime, now: datetime) -> str:
    """How long ago, shortly: `just now`, `5 min ago`, `3 h ago`, `2 d ago`, `2 y ago`."""
    seconds = int((_utc(now) - _utc(moment)).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    if days < 60:
        return f"{days} d ago"
    if days < 730:
        return f"{days // 30} mo ago"
    return f"{days // 365} y ago"


def mention(user_id: str) -> str:
    """`<@U…>`, or nothing when the ID is not one of Slack's."""
    return f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else "someone"
