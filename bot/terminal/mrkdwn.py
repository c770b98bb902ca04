"""Slack mrkdwn as plain terminal text: styling dropped, links, mentions and dates resolved."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, tzinfo

Names = Mapping[str, str]
"""Display names of Slack users and channels by ID (`U…` → `you`, `C…` → `plm-imports`)."""

EMOJI = {
    "warning": "⚠️",
    "mag": "🔍",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "hourglass_flowing_sand": "⏳",
    "hourglass": "⌛",
    "eyes": "👀",
    "bell": "🔔",
    "no_bell": "🔕",
    "information_source": "ℹ️",
    "inbox_tray": "📥",
    "wastebasket": "🗑️",
    "rotating_light": "🚨",
    "arrows_counterclockwise": "🔄",
    "link": "🔗",
    "tada": "🎉",
    "grey_question": "❔",
    "no_entry": "⛔",
    "pause_button": "⏸️",
    "satellite": "📡",
    "memo": "📝",
}
_TOKEN = re.compile(r"<([^<>\n]*)>")
_CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_STYLES = [re.compile(rf"(?<![\w{m}])\{m}(?!\s)([^{m}\n]+?)(?<!\s)\{m}(?![\w{m}])") for m in "*_~"]
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_HOLE = re.compile("\ue000(\\d+)\ue001")
_DATE_TOKEN = re.compile(r"\{(\w+)\}")


def unescape(text: str) -> str:
    """Slack's three entities back to their characters (`&amp;` last)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(
    text: str,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
    names: Names | None = None,
) -> str:
    """Mrkdwn as a person would read it in Slack, without the markup."""
    held: list[str] = []

    def hold(shown: str) -> str:
        held.append(shown)
        return f"\ue000{len(held) - 1}\ue001"

    def token(match: re.Match[str]) -> str:
        return hold(_token(match.group(1), tz, now, names or {}))

    text = _CODE_BLOCK.sub(lambda m: hold(_indent(unescape(m.group(1)))), text)
    text = _CODE.sub(lambda m: hold(unescape(m.group(1))), text)
    text = _TOKEN.sub(token, text)
    for style in _STYLES:
        text = style.sub(r"\1", text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    text = unescape(text)
    return _HOLE.sub(lambda m: held[int(m.group(1))], text)


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.splitlines())


def _token(body: str, tz: tzinfo | None, now: datetime | None, names: Names) -> str:
    """One `<…>` token: a date, a mention, a channel, or a link."""
    target, _, label = body.partition("|")
    label = unescape(label)
    if target.startswith("!date^"):
        return _date(target, label, tz, now)
    if target.startswith("!subteam^"):
        team = target.removeprefix("!subteam^")
        return label or "@" + names.get(team, team)
    if target.startswith("!"):
        return "@" + (label.lstrip("@") or target[1:])
    if target.startswith("@"):
        who = target[1:]
        return "@" + names.get(who, label or who)
    if target.startswith("#"):
        where = target[1:]
        return "#" + names.get(where, label or where)
    url = unescape(target)
    if target.startswith("mailto:"):
        return label or url.removeprefix("mailto:")
    return f"{label} ({url})" if label and label != url else url


def _date(target: str, fallback: str, tz: tzinfo | None, now: datetime | None) -> str:
    """`!date^TS^FORMAT[^LINK]` in the reader's (this machine's) time zone."""
    parts = target.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), tz).astimezone(tz)
    except (IndexError, ValueError, OverflowError, OSError):
        return fallback
    fmt = parts[2] if len(parts) > 2 else "{date_num} {time}"
    today = (now or datetime.now(tz)).astimezone(moment.tzinfo).date()
    known = _formats(moment, today)
    if any(name not in known for name in _DATE_TOKEN.findall(fmt)):
        return fallback
    shown = _DATE_TOKEN.sub(lambda m: known[m.group(1)](), fmt)
    return shown[:1].upper() + shown[1:] if fmt.startswith("{") else shown


def _formats(moment: datetime, today: date) -> dict[str, Callable[[], str]]:
    day = moment.date()
    suffix = (
        "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    )
    long_date = f"{moment:%B} {day.day}{suffix}, {day.year}"
    short = f"{moment:%b} {day.day}, {day.year}"

    def pretty(otherwise: str) -> Callable[[], str]:
        def shown() -> str:
            for offset, word in ((0, "today"), (-1, "yesterday"), (1, "tomorrow")):
                if day - timedelta(days=offset) == today:
                    return word
            return otherwise

        return shown

    return {
        "date_num": lambda: f"{day:%Y-%m-%d}",
        "date": lambda: long_date,
        "date_short": lambda: short,
        "date_long": lambda: f"{moment:%A}, {long_date}",
        "date_pretty": pretty(long_date),
        "date_short_pretty": pretty(short),
        "date_long_pretty": pretty(f"{moment:%A}, {long_date}"),
        "time": lambda: f"{moment:%H:%M}",
        "time_secs": lambda: f"{moment:%H:%M:%S}",
    }
