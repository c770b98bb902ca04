"""An Arena error as one clear sentence for a person: what happened and what to do."""

from __future__ import annotations

import math

from bot.arena.errors import (
    ArenaAuthError,
    ArenaError,
    ArenaNotFound,
    ArenaPermissionError,
    ArenaQuotaExceeded,
    ArenaTooLarge,
    ArenaUnavailable,
    ArenaUnreadable,
    FairUseExceeded,
    InvalidGuid,
    RunNumberNotFound,
)
from bot.cards.text import escape, inline, slack_date


def explain(error: ArenaError) -> str:
    """One clear sentence for a person, never a traceback; finished mrkdwn, Arena's text escaped."""
    # Arena's sentence ends with its own full stop; ours follows the closing parenthesis.
    said = escape(error.arena_message.strip().rstrip(".")) if error.arena_message else None
    detail = f" (Arena said: {said})" if said else ""
    match error:
        case InvalidGuid():
            return escape(str(error))
        case RunNumberNotFound(import_guid=guid, number=number, name=name):
            # The import as the person gave it: its name when they named it, else its GUID.
            which = f"“{inline(name, 200)}”" if name else guid
            has = "no runs yet" if number is None else f"no run #{number}"
            return f"Import {which} has {has}."
        case ArenaNotFound():
            return (
                f"Arena has no such import or run, or the integration user may not see it{detail}."
            )
        case ArenaQuotaExceeded(reset_at=reset_at):
            when = f"after {slack_date(reset_at)}" if reset_at else "when the daily quota resets"
            return f"Arena's daily API request quota for this workspace is spent; try again {when}."
        case ArenaAuthError():
            return (
                "The bot could not sign in to Arena: its integration user's e-mail, password or "
                f"workspace ID is wrong or expired{detail}. Ask whoever runs the bot to check it."
            )
        case ArenaPermissionError():
            return f"The bot's Arena user is not allowed to see this{detail}."
        case ArenaUnavailable():
            return (
                f"Arena is not answering right now ({escape(str(error))}); try again in a minute."
            )
        case ArenaUnreadable(what=what, sent=sent):
            return f"Arena sent {what} that the bot could not read: {inline(sent, 200)}."
        case ArenaTooLarge(limit=limit):
            return (
                f"Arena's answer was larger than the bot reads ({limit:,} bytes, "
                "ARENA_MAX_BODY_BYTES); it was left unread."
            )
        case FairUseExceeded(per_minute=per_minute, retry_after=retry_after):
            return (
                f"You have asked Arena for {per_minute} things in the last minute, your share of "
                f"the workspace's quota; try again in {max(1, math.ceil(retry_after))} s."
            )
        case _:
            return f"Arena refused the request: {said or escape(str(error))}."
