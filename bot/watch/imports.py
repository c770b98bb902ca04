"""One runs-list read per import and poll, shared by its watches and its subscriptions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.arena.client import MAX_PAGE_SIZE, ArenaClient
from bot.arena.models import ImportRun
from bot.watch.records import Subscription, Watch
from bot.watch.schedule import next_interval

# Runs read beyond the newest one seen last time: room for those started since.
PAGE = 20


def number(run: ImportRun) -> int:
    """The run's number (0 when Arena gave none)."""
    return run.number or 0


def shows_whole_card(run: ImportRun) -> bool:
    """Does a list entry carry all a card shows? Else the run's own GET fills it in.

    Arena's list holds the same run objects as its GET (OpenAPI `RunResponseWithGuidVo`);
    only warnings cut short, or a change named without its details, need the fresh read.
    """
    cut_short = run.warnings.count > len(run.warnings.results)
    change_missing = run.change_number is not None and not run.changes
    return not (cut_short or change_missing)


@dataclass
class _Import:
    """When to read an import again, and what the last read found."""

    due: float
    interval: float
    seen: tuple[int, frozenset[int]] | None = None  # newest number, numbers still unfinished


def first_read(watches: list[Watch], subscriptions: list[Subscription]) -> float:
    """When an import not read yet is due: at once for a subscription, else at its first
    watch's first poll (the watch command has just read the run)."""
    if subscriptions or not watches:
        return 0.0
    return min(w.next_poll_at for w in watches)


class ImportReads:
    """Each import's runs, newest first and only as far back as its watches and subscriptions
    need: a watched run still going keeps the import at POLL_INTERVAL_SECONDS; otherwise
    each read that finds nothing new waits half as long again, up to POLL_MAX_INTERVAL_SECONDS.
    """

    def __init__(self, arena: ArenaClient, *, base: float, cap: float) -> None:
        self._arena = arena
        self._base = base
        self._cap = cap
        self._imports: dict[str, _Import] = {}
        self._numbers: dict[str, int] = {}  # run GUID → number, learnt from reads

    def due(self, import_guid: str, first: float) -> float:
        """When the import is next read (`first` for an import not read yet)."""
        return self._state(import_guid, first).due

    def soon(self, import_guid: str, now: float) -> None:
        """A new subscription (its runs were just listed): read them one interval from now."""
        self._imports[import_guid] = _Import(due=now + self._base, interval=self._base)

    def wait(self, import_guid: str, until: float) -> None:
        """Do not read the import before `until` (a failure's backoff)."""
        self._state(import_guid, until).due = until

    def keep_only(self, import_guids: Collection[str]) -> set[str]:
        """Forget imports nobody watches or subscribes to any more; returns them."""
        gone = self._imports.keys() - set(import_guids)
        for import_guid in gone:
            del self._imports[import_guid]
        return gone

    def learn(self, run: ImportRun) -> None:
        """Remember a run's number, so the next read reaches back to it."""
        if run.number is not None:
            self._numbers[run.guid] = run.number

    async def read(
        self, import_guid: str, *, since: int | None, watched: Collection[str]
    ) -> list[ImportRun]:
        """The newest runs down to number `since` + 1 and the watched runs, newest first.

        One request as a rule; a second, of the longest page, when more runs started since
        the last read than the page held.
        """
        known = [self._numbers[g] - 1 for g in watched if g in self._numbers]
        floors = [f for f in (since, *known) if f is not None]
        state = self._imports.get(import_guid)
        if floors:
            floor = min(floors)
            newest = max(state.seen[0] if state and state.seen else floor, floor)
            limit = min(MAX_PAGE_SIZE, newest - floor + PAGE)
        else:
            floor, limit = None, PAGE
        runs = await self._arena.list_runs(import_guid, limit=limit)
        if len(runs) == limit < MAX_PAGE_SIZE and not _reached(runs, floor, watched):
            runs = await self._arena.list_runs(import_guid, limit=MAX_PAGE_SIZE)
        for run in runs:
            self.learn(run)
        return runs

    def settle(
        self, import_guid: str, runs: list[ImportRun], now: float, *, watching: bool, factor: float
    ) -> None:
        """Plan the next read: the base delay while watched or after a change, else longer."""
        state = self._state(import_guid, now)
        seen = (
            max((number(r) for r in runs), default=state.seen[0] if state.seen else 0),
            frozenset(number(r) for r in runs if not r.is_finished),
        )
        quiet = state.seen == seen and not watching
        state.interval = (
            next_interval(state.interval, base=self._base, cap=self._cap) if quiet else self._base
        )
        state.seen = seen
        state.due = now + state.interval * factor

    def _state(self, import_guid: str, first: float) -> _Import:
        return self._imports.setdefault(import_guid, _Import(due=first, interval=self._base))


def _reached(runs: list[ImportRun], floor: int | None, watched: Collection[str]) -> bool:
    """Did the read reach back far enough: to `floor`, and to every watched run?"""
    if not runs:
        return True
    if any(g not in {r.guid for r in runs} for g in watched):
        return False
    return floor is None or min(number(r) for r in runs) <= floor + 1
