"""`check`: every setting verified against Arena and Slack, one line per finding."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TextIO
from urllib.parse import urlsplit

from bot.arena.client import ArenaClient
from bot.arena.errors import ArenaAuthError, ArenaError, ArenaUnavailable
from bot.cli.check_report import Report
from bot.cli.check_slack import check_slack
from bot.cli.outcome import fix_hint
from bot.runs.explain import explain
from bot.settings import Settings
from bot.terminal.mrkdwn import plain_text
from bot.watch.shared_session import StoredSession
from bot.watch.store import DatabaseError, database_path, open_store, redacted
from bot.watch.store_sqlite import cannot_create
from bot.wiring import database_exists, open_arena, shared_session

logger = logging.getLogger(__name__)


async def check(settings: Settings, out: TextIO, *, unreadable: Sequence[str] = ()) -> int:
    """Check the settings, log in to Arena, call Slack's `auth.test`; return the exit code.

    `unreadable`: a sentence for each value that could not be read (`settings` has its default).
    """
    report = Report(out)
    for problem in unreadable:
        report.problem(problem)
    _check_urls(settings, report)
    # An unreadable ARENA_WORKSPACE_ID is said above, not as "not set".
    unset = not any(problem.startswith("ARENA_WORKSPACE_ID:") for problem in unreadable)
    await _check_arena(settings, report, note_unset=unset)
    await check_slack(settings, report)
    problems = report.wrong + report.unreachable
    if problems:
        print(fix_hint(problems), file=out)
    else:
        print("Everything checked is in order.", file=out)
    return report.code


def _check_urls(settings: Settings, report: Report) -> None:
    for name in ("arena_api_url", "slack_api_url", "arena_web_url"):
        url = getattr(settings, name)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            report.problem(f"{name.upper()} is not an http(s) URL: {url!r}.")


async def _check_arena(settings: Settings, report: Report, *, note_unset: bool = True) -> None:
    missing = settings.missing("arena_email", "arena_password")
    for name in missing:
        report.problem(f"{name} is missing: the Arena integration user's {_WHAT[name]}.")
    if settings.arena_workspace_id is None and note_unset:
        report.note(
            "ARENA_WORKSPACE_ID is not set: Arena will use the user's last workspace; "
            "set the 9-digit ID to be sure."
        )
    async with _stored_session(settings, report) as keeper:
        if missing or settings.arena_email is None or settings.arena_password is None:
            return
        token = await keeper.load() if keeper is not None else None
        kept = (keeper, token) if keeper is not None and token is not None else None
        # A session kept in the database is the running bot's (or the next one's): left open.
        async with open_arena(settings, retries=0, keeper=keeper, log_out=keeper is None) as arena:
            await _arena_findings(settings, arena, report, kept=kept)


@asynccontextmanager
async def _stored_session(
    settings: Settings, report: Report
) -> AsyncIterator[StoredSession | None]:
    """The session a running bot keeps in DATABASE_URL, so that `check` logs nobody out; the
    database is reported on the way.

    A SQLite file that does not exist yet is not created (there is no session to share), but
    `serve` must be able to create it.
    """
    shown = redacted(settings.database_url)
    if not database_exists(settings):
        path = database_path(settings.database_url)
        if path == ":memory:":
            pass
        elif (problem := cannot_create(path)) is not None:
            report.problem(problem)
        else:
            report.ok(f"Database: {shown} does not exist yet; serve will create it there.")
        yield None
        return
    try:
        store = await open_store(settings.database_url)
    except DatabaseError as exc:
        report.problem(str(exc))
        yield None
        return
    report.ok(f"Database: {shown} opens, its schema is up to date and it can be written.")
    try:
        yield shared_session(settings, store)
    finally:
        await store.close()


async def _arena_findings(
    settings: Settings,
    arena: ArenaClient,
    report: Report,
    *,
    kept: tuple[StoredSession, str] | None,
) -> None:
    """Arena's answers; `kept`: the session stored in DATABASE_URL and its token, if any."""
    where = f"{settings.arena_email} at {settings.arena_api_url}"
    stored = kept is not None
    try:
        await arena.login()
        # With a stored session no login is sent: the first read is what tries the session.
        definitions = await arena.list_imports(limit=400) if stored else None
    except ArenaAuthError as exc:
        said = f" Arena said: {exc.arena_message}" if exc.arena_message else ""
        report.problem(
            "ARENA_EMAIL, ARENA_PASSWORD or ARENA_WORKSPACE_ID is wrong: Arena refused the "
            f"login of {where}.{said}"
        )
        return
    except ArenaUnavailable as exc:
        report.problem(f"ARENA_API_URL: Arena could not be reached ({exc}).", reachable=False)
        return
    except ArenaError as exc:
        report.problem(f"ARENA_API_URL: the login failed: {plain_text(explain(exc))}")
        return
    if kept is not None and await kept[0].load() == kept[1]:
        report.ok(
            f"Arena: signed in as {where} with the session stored in DATABASE_URL "
            "(the running bot's: no new login, nobody logged out)."
        )
    elif kept is not None:
        # A stopped bot logged out: its stored session had ended, so a login was needed.
        report.ok(
            f"Arena: logged in as {where}; the session stored in DATABASE_URL had ended, "
            "so the new one is stored there for the bot."
        )
    else:
        report.ok(f"Arena: logged in as {where}.")
    try:
        if definitions is None:
            definitions = await arena.list_imports(limit=400)
    except ArenaError as exc:
        report.problem(f"Arena: import definitions cannot be read: {plain_text(explain(exc))}")
    else:
        shown = ", ".join(
            f"{d.name or d.guid} (#{d.number})" if d.number is not None else d.name or d.guid
            for d in definitions[:10]
        )
        more = f" and {len(definitions) - 10:,} more" if len(definitions) > 10 else ""
        named = f": {shown}{more}" if definitions else ""
        report.ok(f"Arena: the user sees {len(definitions):,} import definition(s){named}.")
    _quota(settings, arena, report)


def _quota(settings: Settings, arena: ArenaClient, report: Report) -> None:
    quota = arena.quota
    if quota.remaining is None:
        report.note("Arena sent no X-Arena-Requests-Remaining header; quota unknown.")
        return
    limit = f" of {quota.limit:,}" if quota.limit else ""
    resets = f"; resets {quota.reset_at:%Y-%m-%d %H:%M %Z}" if quota.reset_at else ""
    line = f"Arena quota: {quota.remaining:,}{limit} requests left today{resets}."
    if quota.remaining < settings.arena_quota_reserve:
        report.note(f"{line} Below ARENA_QUOTA_RESERVE: polling would pause now.")
    else:
        report.ok(line)


_WHAT = {"ARENA_EMAIL": "e-mail", "ARENA_PASSWORD": "password"}
