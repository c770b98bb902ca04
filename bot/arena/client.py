"""`ArenaClient`: Arena's REST API in models, over one session per process."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from bot.arena import _failures, _http, _send
from bot.arena._cache import Coalescer, TtlCache
from bot.arena.errors import ArenaQuotaExceeded
from bot.arena.gates import LoginGate, retries
from bot.arena.guid import normalize_guid
from bot.arena.login import Login
from bot.arena.models import Change, ImportDefinition, ImportRun, LoginResult
from bot.arena.quota import Quota
from bot.arena.session import SessionKeeper

logger = logging.getLogger(__name__)

T = TypeVar("T")
Params = tuple[tuple[str, str | int], ...]
Reader = Callable[[httpx.Response], T]
RunsRead = Callable[[str, Sequence[ImportRun]], None]

SESSION_HEADER = "arena_session_id"
MAX_PAGE_SIZE = 400
# A change order's number, title and link do not move; its lifecycle status may lag this long.
CHANGE_TTL = 6 * 3600.0
_RUN = _http.reader(TypeAdapter(ImportRun))
_RUNS = _http.reader(TypeAdapter(_http.Page[ImportRun]))
_IMPORT = _http.reader(TypeAdapter(ImportDefinition))
_IMPORTS = _http.reader(TypeAdapter(_http.Page[ImportDefinition]))
_CHANGES = _http.reader(TypeAdapter(_http.Page[Change]))


class ArenaClient:
    """Arena's import runs as models: one lazy login, quota, retries, cache, coalescing."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        email: str,
        password: str,
        workspace_id: int | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        cache_ttl: float = 300.0,
        change_ttl: float = CHANGE_TTL,
        clock: Callable[[], float] = time.monotonic,
        keeper: SessionKeeper | None = None,
    ) -> None:
        self._http = http
        self._email = email
        self._retries = max(0, retries)
        self._backoff = backoff
        self._quota = Quota()
        self.login_gate = LoginGate(clock)
        self._login = Login(
            self._exchange,
            email=email,
            password=password,
            workspace_id=workspace_id,
            gate=self.login_gate,
            keeper=keeper,
            accepted=self._logged_in,
        )
        self._inflight: Coalescer[Any] = Coalescer()
        self._runs: TtlCache[ImportRun] = TtlCache(cache_ttl, clock)
        self._imports: TtlCache[ImportDefinition] = TtlCache(cache_ttl, clock)
        self._changes: TtlCache[Change | None] = TtlCache(cache_ttl, clock)
        self._change_ttl = change_ttl
        self.runs_read: list[RunsRead] = []
        """Told of every import's runs read from Arena: (import GUID, runs), the freshest known."""

    def __repr__(self) -> str:
        state = "logged in" if self._login.token else "not logged in"
        return f"<ArenaClient {self._email} at {self._http.base_url} ({state})>"

    @property
    def quota(self) -> Quota:
        """The request quota as the last response from Arena reported it."""
        return self._quota

    async def login(self) -> None:
        """Log in now rather than on the first request; an open session is kept."""
        await self._login.current()

    async def close(self, *, log_out: bool = True) -> None:
        """Log out if logged in (unless not `log_out`: a session others go on using); failures
        are logged, not raised; `http` stays open."""
        await self._login.close(log_out=log_out)

    async def get_run(self, import_guid: str, run_guid: str, *, fresh: bool = False) -> ImportRun:
        """One import run; a finished one may come from the cache unless `fresh`."""
        imp = normalize_guid(import_guid, what="import GUID")
        run = normalize_guid(run_guid, what="run GUID")
        if not fresh:
            hit, cached = self._runs.get((imp, run))
            if hit and cached is not None:
                return cached

        def keep(response: httpx.Response) -> ImportRun:
            found = _RUN(response)
            if found.is_finished:  # cached before the shared call ends: no second GET
                self._runs.put((imp, run), found)
            self._read(imp, [found])
            return found

        return await self._get(keep, f"/imports/{imp}/runs/{run}")

    async def list_runs(
        self,
        import_guid: str,
        *,
        number: int | None = None,
        status: str | None = None,
        limit: int = 20,
    ) -> list[ImportRun]:
        """Up to `limit` runs of an import definition, newest (highest number) first."""
        imp = normalize_guid(import_guid, what="import GUID")
        filters: Params = ()
        if number is not None:
            filters += (("number", number),)
        if status is not None:
            filters += (("status", status),)
        page_size = min(limit, MAX_PAGE_SIZE)
        runs: dict[str, ImportRun] = {}
        offset = 0
        while len(runs) < limit:
            params = (*filters, ("offset", offset), ("limit", page_size))
            page = await self._get(_RUNS, f"/imports/{imp}/runs", params)
            # A run started while paging shifts the pages; the GUID keeps each run once.
            runs.update((run.guid, run) for run in page.results)
            if len(page.results) < page_size:
                break
            offset += len(page.results)
        newest_first = sorted(
            runs.values(), key=lambda run: (run.number is not None, run.number or 0), reverse=True
        )
        self._read(imp, newest_first)
        return newest_first[: max(limit, 0)]

    async def get_import(self, import_guid: str) -> ImportDefinition:
        """One import definition, cached for `cache_ttl` seconds."""
        imp = normalize_guid(import_guid, what="import GUID")
        hit, cached = self._imports.get(imp)
        if hit and cached is not None:
            return cached
        found = await self._get(_IMPORT, f"/imports/{imp}")
        self._imports.put(imp, found)
        return found

    async def list_imports(
        self, *, limit: int = 20, name: str | None = None
    ) -> list[ImportDefinition]:
        """The first `limit` (at most 400) import definitions the user may see: one request;
        `name` searches as Arena does (case-insensitive, `*` a wildcard)."""
        params: Params = (("offset", 0), ("limit", max(1, min(limit, MAX_PAGE_SIZE))))
        if name is not None:
            params = (("name", name), *params)
        page = await self._get(_IMPORTS, "/imports", params)
        return list(page.results)

    async def find_change(self, number: str) -> Change | None:
        """The change with exactly this number, or None; both answers cached (a found one long)."""
        wanted = number.strip()
        if not wanted:
            return None
        hit, cached = self._changes.get(wanted)
        if hit:
            return cached

        def keep(response: httpx.Response) -> Change | None:
            found = _http.exact_change(_CHANGES(response).results, wanted)
            # Cached before the shared call ends, so no caller between sends a second lookup.
            self._changes.put(wanted, found, ttl=self._change_ttl if found else None)
            return found

        return await self._get(keep, "/changes", (("number", wanted),))

    def cached_change(self, number: str) -> tuple[bool, Change | None]:
        """`(True, change or None)` when `find_change(number)` would send no request."""
        return self._changes.get(number.strip())

    async def get_error_content(self, import_guid: str, run_guid: str) -> str:
        """The rows of a run that failed, as the CSV text Arena keeps for 60 days."""
        imp = normalize_guid(import_guid, what="import GUID")
        run = normalize_guid(run_guid, what="run GUID")
        return await self._get(_http.text, f"/imports/{imp}/runs/{run}/errorContent")

    def _read(self, import_guid: str, runs: Sequence[ImportRun]) -> None:
        for told in self.runs_read:
            told(import_guid, runs)

    async def _get(self, read: Reader[T], path: str, params: Params = ()) -> T:
        """GET and read the answer; identical GETs in flight share one request."""

        async def fetch() -> T:
            return read(await self._request("GET", path, params))

        result: T = await self._inflight.run((path, params), fetch)
        return result

    async def _request(self, method: str, path: str, params: Params = ()) -> httpx.Response:
        """One request in the session: logs in as needed, once more on 401; errors raised."""
        token = await self._login.current()
        response = await self._exchange(method, path, params=params, token=token)
        if response.status_code == 401:
            logger.info("Arena answered 401 to %s %s; logging in again", method, path)
            token = await self._login.renew(token)
            response = await self._exchange(method, path, params=params, token=token)
            if response.status_code == 401:
                raise _failures.session_refused(response)
        if response.is_success:
            return response
        error = _failures.error_for(response)
        if isinstance(error, ArenaQuotaExceeded):
            # Arena may omit the headers on a 429; the quota is spent all the same.
            reset_at = error.reset_at or self._quota.reset_at
            now = datetime.now(UTC)
            self._quota = replace(self._quota, remaining=0, reset_at=reset_at, updated_at=now)
        raise error

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        params: Params = (),
        json: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        """Send once (a GET up to `retries` more times); note the quota; any status back."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers[SESSION_HEADER] = token

        def note(response: httpx.Response) -> None:
            self._quota = self._quota.updated(response.headers, now=datetime.now(UTC))

        retries_left = retries(self._retries) if method == "GET" else 0
        request = _send.Request(method, path, params, json, headers)
        return await _send.send(self._http, request, retries_left, self._backoff, note)

    def _logged_in(self, result: LoginResult) -> None:
        """Arena told the workspace's daily request limit at login: the quota's limit."""
        if result.workspace_request_limit is not None:
            self._quota = replace(self._quota, limit=result.workspace_request_limit)
