"""`serve`: HTTP (`POST /slack/events`, `GET /healthz`) or Socket Mode, with a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot import __version__
from bot.arena.limits import PerPersonBudget
from bot.settings import Settings, SettingsError
from bot.slack.access import Access, our_teams
from bot.slack.app import build_app
from bot.slack.connections import (
    FILE_HEADROOM,
    ConnectionLimits,
    GuardedSite,
    raise_open_file_limit,
)
from bot.slack.edge import Edge
from bot.slack.identity import SlackIdentity
from bot.slack.logs import bound_all_handlers
from bot.slack.startup import WarmUp, forget_signals, stop_on_signals
from bot.watch.lease import Leadership
from bot.watch.poller import Poller
from bot.wiring import Runtime

if TYPE_CHECKING:
    from bot.slack.socket_mode import SocketLink

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 20.0
READ_TIMEOUT = 20.0


def web_app(
    app: AsyncApp,
    *,
    mode: str,
    signing_secret: str | None = None,
    read_timeout: float = READ_TIMEOUT,
    unhealthy: Callable[[], str | None] = lambda: None,
    details: Callable[[], dict[str, Any]] = dict,
) -> web.Application:
    """The aiohttp application: Slack's endpoint behind the edge (HTTP mode), the health check.

    `unhealthy()` says why the bot cannot do its work (the poller's health), or None;
    `details()` adds to the answer (the replica's role).
    """

    async def healthz(_: web.Request) -> web.Response:
        reason = unhealthy()
        state = {"status": "unhealthy", "reason": reason} if reason else {"status": "ok"}
        body = {**state, "mode": mode, "version": __version__, **details()}
        return web.json_response(body, status=503 if reason else 200)

    server = web.Application()
    server.router.add_get("/healthz", healthz)
    if mode == "http":
        if not signing_secret:
            raise ValueError("HTTP mode needs the signing secret to check every request")
        server.router.add_post(EVENTS_PATH, Edge(app, signing_secret, read_timeout=read_timeout))
    return server


def connection_limits(settings: Settings) -> ConnectionLimits:
    """SERVER_MAX_CONNECTIONS, kept below this process's open-file limit."""
    files = raise_open_file_limit()
    cap = min(settings.server_max_connections, max(1, files - FILE_HEADROOM))
    if cap < settings.server_max_connections:
        logger.warning(
            "At most %d connections at once (not %d): the open-file limit is %d",
            cap,
            settings.server_max_connections,
            files,
        )
    return ConnectionLimits(max_connections=cap, read_timeout=settings.server_read_timeout_seconds)


async def serve(
    settings: Settings,
    runtime: Runtime,
    warm_up: WarmUp | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGTERM or SIGINT; then stop taking requests and finish those in flight.

    `warm_up`: Arena's login and auth.test, if the caller already sent them (else sent here);
    `stop`: the caller's `stop_on_signals()`, if it set it up before sending them.
    """
    signing = settings.slack_signing_secret
    if settings.socket_mode:
        settings.require("slack_bot_token", "slack_app_token")
    else:
        settings.require("slack_bot_token", "slack_signing_secret")
    if stop is None:  # from the start: nothing below may hold up SIGTERM for long
        stop = stop_on_signals()
    bound_all_handlers()
    if warm_up is None:
        warm_up = WarmUp(runtime.deps.arena, SlackIdentity(runtime.slack))
        warm_up.begin()
    identity = warm_up.identity
    teams = await our_teams(settings, identity)
    store = runtime.store
    assert store is not None, "serve needs the store (open_runtime(with_store=True))"
    # Tasks already running (a database pool's workers) live on after serve: not drained.
    background = asyncio.all_tasks()
    base = replace(runtime.deps, store=store, slack=runtime.slack)
    leadership = Leadership(
        store, seconds=settings.lease_seconds, every=settings.poll_interval_seconds
    )
    poller = Poller(
        base,
        store=store,
        slack=runtime.slack,
        fence=leadership.fence,
        leading=lambda: leadership.leading,
    )
    deps = replace(base, poller=poller)
    secret = None if settings.socket_mode or signing is None else signing.get_secret_value()
    budget = PerPersonBudget(settings.arena_requests_per_user_per_minute)
    access = Access(settings, runtime.slack, teams=teams, budget=budget, responder=deps.responder)
    # The edge (bot/slack/edge.py) checks every signature before Bolt; Bolt need not again.
    app = build_app(
        deps, client=runtime.slack, signing_secret=None, access=access, identity=identity
    )
    await warm_up.tried()
    # What the start built lives as long as the process: keep it out of the collector's passes
    # (a full pass over it took ~40 ms, in the middle of a burst).
    gc.freeze()
    mode = "socket" if settings.socket_mode else "http"
    read_timeout = settings.server_read_timeout_seconds
    socket: SocketLink | None = None
    if settings.slack_app_token is not None:
        # Imported here: Bolt's Socket Mode adapter costs ~70 ms of every HTTP-mode start.
        from bot.slack.socket_mode import SocketLink

        socket = SocketLink(app, settings.slack_app_token.get_secret_value())

    def details() -> dict[str, Any]:
        return {"role": leadership.role, **(socket.details() if socket else {})}

    runner = web.AppRunner(
        web_app(
            app,
            mode=mode,
            signing_secret=secret,
            read_timeout=read_timeout,
            unhealthy=lambda: _unhealthy(leadership, poller, socket),
            details=details,
        ),
        access_log=None,
        shutdown_timeout=DRAIN_SECONDS,
        keepalive_timeout=read_timeout,
    )
    await runner.setup()
    limits = connection_limits(settings)
    try:
        await GuardedSite(runner, settings.host, settings.port, limits).start()
    except OSError as exc:  # the port is taken, or the host is not this machine's
        await runner.cleanup()
        await warm_up.stop()
        raise SettingsError(
            f"PORT: serve cannot listen on {settings.host}:{settings.port} "
            f"({exc.strerror or exc}); stop whatever uses it, or set another HOST or PORT."
        ) from None
    if socket is not None:
        socket.start()  # in the background: a refused token must not hold up the rest
    polling = asyncio.create_task(leadership.run(poller.run), name="leadership")
    logger.info(
        "serving in %s mode on %s:%s for team(s) %s, at most %d connections",
        mode,
        settings.host,
        settings.port,
        ", ".join(sorted(teams)),
        limits.max_connections,
    )

    await stop.wait()
    forget_signals()
    logger.info("stopping: no new requests; finishing those in flight")
    polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling
    if socket is not None:
        await socket.close()
    await runner.cleanup()
    await warm_up.stop()
    await _drain(DRAIN_SECONDS, background)
    await deps.responder.close()
    logger.info("stopped")


def _unhealthy(leadership: Leadership, poller: Poller, socket: SocketLink | None) -> str | None:
    """Socket Mode's problem; the poller's health while this replica polls, else Arena's login."""
    if socket is not None and socket.problem:
        return socket.problem
    if leadership.leading:
        return poller.unhealthy()
    return poller.login_problem()


async def _drain(timeout: float, background: set[asyncio.Task[Any]]) -> None:
    """Wait for listener work Bolt runs after the ack (tasks of this loop, but `background`)."""
    current = asyncio.current_task()
    pending = asyncio.all_tasks() - background - {current} if current else set()
    if pending:
        _, late = await asyncio.wait(pending, timeout=timeout)
        if late:
            logger.warning(
                "%d task(s) still running after %.0f s; stopping anyway", len(late), timeout
            )
