"""The simulator's aiohttp application: Arena's routes, headers, quota and error answers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.demo.sim_state import SimulatedWorkspace
from bot.demo.sim_support import (
    MSG_BAD_FORMAT,
    MSG_NO_RESOURCE,
    ArenaHTTPError,
    page_params,
    simulated_failure,
    text_matches,
)

_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_LOGIN_ROUTE = "POST /login"
_DEFINITION_FILTERS = (
    "number",
    "name",
    "description",
    "resource",
    "mode",
    "creator.guid",
    "creator.fullName",
    "creator.email",
)
_RUN_FILTERS = ("number", "status", "creator.guid", "creator.fullName", "creator.email")
_CHANGE_FILTERS = ("number", "title", "lifecycleStatus.type", "category.guid", "creator.guid")


def build_app(workspace: SimulatedWorkspace) -> web.Application:
    """An aiohttp application serving `workspace` under `/v1`."""
    routes = _Routes(workspace)
    app = web.Application(middlewares=[routes.middleware])
    router = app.router
    router.add_post("/v1/login", routes.login)
    router.add_put("/v1/logout", routes.logout)
    router.add_get("/v1/imports", routes.list_imports)
    router.add_get("/v1/imports/{import_guid}", routes.get_import)
    router.add_get("/v1/imports/{import_guid}/runs", routes.list_runs)
    router.add_get("/v1/imports/{import_guid}/runs/{run_guid}", routes.get_run)
    router.add_get("/v1/imports/{import_guid}/runs/{run_guid}/errorContent", routes.error_content)
    router.add_get("/v1/changes", routes.list_changes)
    router.add_route("*", "/{tail:.*}", routes.unknown)
    return app


class _Routes:
    """Request handlers bound to one workspace."""

    def __init__(self, workspace: SimulatedWorkspace) -> None:
        self.workspace = workspace

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Latency, stats, quota, injected failures, session check; Arena's headers."""
        workspace = self.workspace
        if workspace.latency > 0:
            await asyncio.sleep(workspace.latency)
        route = route_key(request)
        workspace.stats.by_route[route] += 1
        counted = route != _LOGIN_ROUTE
        try:
            if counted:
                workspace.stats.requests += 1
                workspace.admit(request.headers.get("arena_session_id"))
            response: web.StreamResponse
            broken = workspace.path_failures.get(request.path.removeprefix("/v1"))
            if broken == "unreadable":
                response = web.Response(text="<html>Bad gateway</html>", content_type="text/html")
            elif isinstance(broken, int):
                raise simulated_failure(broken)
            else:
                response = await handler(request)
        except ArenaHTTPError as exc:
            response = exc.response()
        if counted:
            response.headers.update(workspace.quota.headers())
        response.headers["Server"] = "ArenaSolutions"
        return response

    async def login(self, request: web.Request) -> web.Response:
        """`POST /login`."""
        try:
            body = await request.json()
        except ValueError:
            raise ArenaHTTPError(400, 400, MSG_BAD_FORMAT) from None
        return web.json_response(self.workspace.login(body))

    async def logout(self, request: web.Request) -> web.Response:
        """`PUT /logout`: 200 with no body."""
        self.workspace.logout()
        return web.Response(status=200)

    async def list_imports(self, request: web.Request) -> web.Response:
        """`GET /imports`: search definitions."""
        offset, limit = page_params(request.query)
        found = [
            d
            for d in self.workspace.definitions()
            if _filters_match(d, request, _DEFINITION_FILTERS)
        ]
        return _page(found, offset, limit)

    async def get_import(self, request: web.Request) -> web.Response:
        """`GET /imports/{g}`."""
        return web.json_response(self.workspace.definition(request.match_info["import_guid"]))

    async def list_runs(self, request: web.Request) -> web.Response:
        """`GET /imports/{g}/runs`: newest first, filtered, paged."""
        runs = self.workspace.runs(request.match_info["import_guid"])
        offset, limit = page_params(request.query)
        found = [r for r in runs if _filters_match(r, request, _RUN_FILTERS)]
        return _page(found, offset, limit)

    async def get_run(self, request: web.Request) -> web.Response:
        """`GET /imports/{g}/runs/{g}`."""
        info = request.match_info
        return web.json_response(self.workspace.run(info["import_guid"], info["run_guid"]))

    async def error_content(self, request: web.Request) -> web.Response:
        """`GET /imports/{g}/runs/{g}/errorContent`: the failed rows as CSV."""
        info = request.match_info
        text = self.workspace.error_content(info["import_guid"], info["run_guid"])
        return web.Response(text=text, content_type="text/csv")

    async def list_changes(self, request: web.Request) -> web.Response:
        """`GET /changes`: compact changes with `url.app`."""
        offset, limit = page_params(request.query)
        found = [c for c in self.workspace.changes() if _filters_match(c, request, _CHANGE_FILTERS)]
        return _page(found, offset, limit)

    async def unknown(self, request: web.Request) -> web.Response:
        """Any other path: Arena's 404."""
        raise ArenaHTTPError(404, 404, MSG_NO_RESOURCE)


def route_key(request: web.Request) -> str:
    """`GET /imports/{g}/runs/{g}` for known routes, the raw path for unknown ones."""
    info = request.match_info
    resource = info.route.resource
    if "tail" in info or resource is None:
        path = request.path
    else:
        path = _PLACEHOLDER.sub("{g}", resource.canonical)
    return f"{request.method} {path.removeprefix('/v1')}"


def _page(found: list[dict[str, Any]], offset: int, limit: int) -> web.Response:
    page = found[offset : offset + limit]
    return web.json_response({"count": len(page), "results": page})


def _lookup(data: dict[str, Any], dotted: str) -> object:
    value: object = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _filters_match(data: dict[str, Any], request: web.Request, names: Sequence[str]) -> bool:
    for name in names:
        wanted = request.query.get(name)
        if wanted is not None and not text_matches(_lookup(data, name), wanted):
            return False
    return True
