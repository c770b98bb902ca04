"""Builds the long-lived objects from `Settings` (with `bot/cli`, the edge of the app)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot import __version__
from bot.arena._transport import AiohttpTransport
from bot.arena.client import ArenaClient
from bot.arena.limits import LimitedTransport
from bot.deps import Deps
from bot.settings import Settings
from bot.watch.shared_session import StoredSession, session_account
from bot.watch.store import Store, database_path, open_store

USER_AGENT = f"importrun-bot/{__version__} (+https://github.com/importrun-bot)"
# Room for a burst of distinct lookups (50 runs at once) with a change lookup beside them:
# with 20 connections the one GET /changes every card needs queued behind the run GETs.
ARENA_CONNECTIONS = 100


def slack_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: `SLACK_API_URL`, retries on connection errors, 429 and 5xx."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    base_url = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else settings.slack_api_url + "/"
    )
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=15,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def arena_http(settings: Settings) -> httpx.AsyncClient:
    """The one HTTP client for Arena: base URL, timeouts, User-Agent, fair use, size cap."""
    base_url = settings.arena_api_url.rstrip("/") + "/"
    timeout = httpx.Timeout(
        settings.arena_timeout_seconds, connect=min(5.0, settings.arena_timeout_seconds)
    )
    pool = AiohttpTransport(connections=ARENA_CONNECTIONS)
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        transport=LimitedTransport(pool, max_body_bytes=settings.arena_max_body_bytes),
    )


@dataclass(frozen=True)
class Runtime:
    """Everything a command of the CLI needs, open until the context ends."""

    deps: Deps
    slack: AsyncWebClient
    store: Store | None = None


@asynccontextmanager
async def open_arena(
    settings: Settings, *, log_out: bool = True, **options: Any
) -> AsyncIterator[ArenaClient]:
    """The Arena client of the settings; on exit log out (if `log_out`) and close it."""
    settings.require("arena_email", "arena_password")
    assert settings.arena_email is not None
    assert settings.arena_password is not None
    async with arena_http(settings) as http:
        arena = ArenaClient(
            http,
            email=settings.arena_email,
            password=settings.arena_password.get_secret_value(),
            workspace_id=settings.arena_workspace_id,
            **options,
        )
        try:
            yield arena
        except BaseException:
            # A session shared through the database is the other processes' too: a failure
            # (a start that never served, say) must not end it under them.
            await arena.close(log_out=log_out and options.get("keeper") is None)
            raise
        await arena.close(log_out=log_out)


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[Store]:
    """The store of DATABASE_URL, migrated; closed on exit (DatabaseError: one sentence)."""
    store = await open_store(settings.database_url)
    try:
        yield store
    finally:
        await store.close()


def shared_session(settings: Settings, store: Store) -> StoredSession:
    """The Arena session kept in the store for the settings' user, shared by all processes."""
    account = session_account(
        settings.arena_email or "", settings.arena_api_url, settings.arena_workspace_id
    )
    return StoredSession(store, account)


def database_exists(settings: Settings) -> bool:
    """Whether DATABASE_URL may hold a running bot's state: PostgreSQL, or a SQLite file that
    is there already (a command line tool must not leave a new file behind)."""
    url = settings.database_url
    if not url.startswith("sqlite:///"):
        return True
    path = database_path(url)
    return path != ":memory:" and Path(path).is_file()


@asynccontextmanager
async def stored_session(settings: Settings) -> AsyncIterator[StoredSession | None]:
    """The Arena session a running bot keeps in DATABASE_URL (None when there is no database).

    Used by the command line beside a live bot: a login of its own would cancel the bot's
    session (Arena keeps one per user), and its logout would end it.
    """
    if not database_exists(settings):
        yield None
        return
    async with opened_store(settings) as store:
        yield shared_session(settings, store)


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, with_store: bool = False, keeper: StoredSession | None = None
) -> AsyncIterator[Runtime]:
    """Open the Arena session lazily (and the store, for `serve`); on exit close them.

    With `keeper` (a running bot's stored session) the session is shared and left open.
    """
    async with contextlib.AsyncExitStack() as stack:
        store = await stack.enter_async_context(opened_store(settings)) if with_store else None
        if store is not None:
            keeper = shared_session(settings, store)
        # `serve` logs out on a clean stop (design.md); a tool using the bot's session does not.
        log_out = with_store or keeper is None
        arena = await stack.enter_async_context(
            open_arena(settings, keeper=keeper, log_out=log_out)
        )
        deps = Deps(settings=settings, arena=arena, store=store)
        yield Runtime(deps=deps, slack=slack_client(settings), store=store)
