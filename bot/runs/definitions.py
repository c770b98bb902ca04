"""The import definitions the bot can see, listed once and kept a while: names without requests;
and each one's newest run, as the `imports` list shows it, kept a minute."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from bot.arena._cache import Coalescer, TtlCache
from bot.arena.client import MAX_PAGE_SIZE, ArenaClient
from bot.arena.errors import ArenaError
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards.imports import Newest

logger = logging.getLogger(__name__)

TTL = 300.0
"""Seconds a definitions list is used: names rarely change, and typing must cost nothing."""
REFRESH_AFTER = 30.0
"""A name not in a list at least this old is looked up again (a definition made just now)."""
NEWEST_TTL = 60.0
"""Seconds an import's newest run is shown again without asking: asking twice costs nothing."""


class Definitions:
    """One `GET /imports` page (the first 400 definitions) every TTL seconds, shared by all."""

    def __init__(
        self,
        arena: ArenaClient,
        *,
        ttl: float = TTL,
        newest_ttl: float = NEWEST_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._arena = arena
        self._ttl = ttl
        self._clock = clock
        self._listed: list[ImportDefinition] | None = None
        self._by_guid: dict[str, ImportDefinition] = {}
        self._listed_at = 0.0
        self._fetching: Coalescer[list[ImportDefinition]] = Coalescer()
        self._newest: TtlCache[ImportRun | None] = TtlCache(newest_ttl, clock)
        self._hearing = False  # told of the runs the client reads, once something is kept

    @property
    def complete(self) -> bool:
        """Whether the list holds every definition (Arena sent less than a full page)."""
        return self._listed is not None and len(self._listed) < MAX_PAGE_SIZE

    def age(self) -> float | None:
        """Seconds since the list was read, or None before the first read."""
        return None if self._listed is None else self._clock() - self._listed_at

    async def all(self, *, fresher_than: float | None = None) -> list[ImportDefinition]:
        """The definitions, from the cache while it is younger than TTL (or `fresher_than`)."""
        limit = self._ttl if fresher_than is None else min(self._ttl, fresher_than)
        age = self.age()
        if self._listed is not None and age is not None and age < limit:
            return self._listed
        return await self._fetching.run("list", self._fetch)

    async def _fetch(self) -> list[ImportDefinition]:
        listed = await self._arena.list_imports(limit=MAX_PAGE_SIZE)
        self._listed, self._listed_at = listed, self._clock()
        self._by_guid = {d.guid.upper(): d for d in reversed(listed)}
        return listed

    def listed(self) -> list[ImportDefinition]:
        """The list as last read, with no request (empty before the first read)."""
        return list(self._listed or ())

    async def search(self, pattern: str, *, limit: int) -> list[ImportDefinition]:
        """Arena's own search by name (`*` a wildcard), for workspaces past the first page."""
        return await self._arena.list_imports(name=pattern, limit=limit)

    def cached(self, import_guid: str) -> ImportDefinition | None:
        """The definition from the list already read, with no request (None if not there)."""
        return self._by_guid.get(import_guid.upper())

    async def name_of(self, import_guid: str) -> str | None:
        """The name for a card: from the list (read once if needed); None when unknown."""
        try:
            await self.all()
            known = self.cached(import_guid)
            if known is None and not self.complete:
                known = await self._arena.get_import(import_guid)
        except ArenaError as exc:
            # The card still shows, with the header it had before names.
            logger.info("import %s: no name for the card (%s)", import_guid, exc)
            return None
        return known.name if known is not None else None

    async def definition(self, import_guid: str) -> ImportDefinition:
        """The definition: from the list (read once if needed), else its own `GET /imports/{g}`
        (past the first page, made since the list was read, or not there: Arena says which)."""
        await self.all()
        known = self.cached(import_guid)
        return known if known is not None else await self._arena.get_import(import_guid)

    async def newest_runs(self, definitions: Sequence[ImportDefinition]) -> list[Newest]:
        """Each definition's newest run (None: no runs yet; the ArenaError when it could not be
        read): one runs read per definition not read in the last NEWEST_TTL seconds, at once."""
        if not self._hearing:
            self._arena.runs_read.append(self._runs_read)
            self._hearing = True
        found = await asyncio.gather(
            *(self._newest_run(d.guid) for d in definitions), return_exceptions=True
        )
        newest: list[Newest] = []
        for run in found:
            # One that fails leaves the others shown; anything but Arena's failures goes on up.
            if isinstance(run, BaseException) and not isinstance(run, ArenaError):
                raise run
            newest.append(run)
        return newest

    async def _newest_run(self, import_guid: str) -> ImportRun | None:
        key = import_guid.upper()
        hit, cached = self._newest.get(key)
        if hit:
            return cached
        newest = await newest_run(self._arena, import_guid)
        self._newest.put(key, newest)
        return newest

    def _runs_read(self, import_guid: str, runs: Sequence[ImportRun]) -> None:
        """Runs read for anything else (the poller, a card): the newest run kept is replaced by
        a fresher read of itself or a newer run, so a run just announced as finished is not
        listed as RUNNING for the rest of the minute."""
        key = import_guid.upper()
        hit, kept = self._newest.get(key)
        if not hit:
            return
        fresher = [
            run
            for run in runs
            if kept is None or run.guid == kept.guid or _number(run) > _number(kept)
        ]
        if fresher:
            self._newest.put(key, max(fresher, key=_number))


async def newest_run(arena: ArenaClient, import_guid: str) -> ImportRun | None:
    """The import's newest run, read now (None: it has none). One page costs one request whatever
    its size, and the runs list's order is not documented: the newest run is picked from a full
    page rather than trusted to come first."""
    runs = await arena.list_runs(import_guid, limit=MAX_PAGE_SIZE)
    return runs[0] if runs else None


def _number(run: ImportRun) -> int:
    return -1 if run.number is None else run.number
