"""The cached definitions list: names for cards and commands without a request each time."""

from __future__ import annotations

import pytest
from helpers_arena import open_arena

from bot.answer import browse, names
from bot.answer.commands import ImportName
from bot.arena.errors import ArenaError, ArenaNotFound
from bot.demo.seed import BOM_IMPORT_GUID, SEED_IMPORT_GUID
from bot.demo.simulator import ArenaSimulator, FakeClock
from bot.runs.definitions import NEWEST_TTL, REFRESH_AFTER, TTL, Definitions

LIST = "GET /imports"
RUNS = "GET /imports/{g}/runs"


async def test_names_come_from_one_list_until_it_is_old(
    arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """Many lookups, one `GET /imports`; a list older than the TTL is read again."""
    async with open_arena(arena_sim.url) as arena:
        definitions = Definitions(arena, clock=lambda: fake_clock().timestamp())
        assert await definitions.name_of(SEED_IMPORT_GUID) == "Item Master load"
        assert await definitions.name_of(BOM_IMPORT_GUID) == "BOM load"
        assert await names.resolve(definitions, ImportName("master")) == SEED_IMPORT_GUID
        assert arena_sim.stats.by_route[LIST] == 1
        fake_clock.advance(TTL + 1)
        assert await names.resolve(definitions, ImportName("bom")) == BOM_IMPORT_GUID
        assert arena_sim.stats.by_route[LIST] == 2


async def test_a_definition_made_since_is_found_by_reading_again(
    arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """A name missing from a list older than 30 s reads the list again, once."""
    async with open_arena(arena_sim.url) as arena:
        definitions = Definitions(arena, clock=lambda: fake_clock().timestamp())
        await definitions.all()
        arena_sim.add_import({"guid": "NW1DEFQ8ZT4KD6RX2MBA", "number": 9, "name": "Supplier load"})
        fake_clock.advance(31)
        assert await names.resolve(definitions, ImportName("supplier")) == "NW1DEFQ8ZT4KD6RX2MBA"
        assert arena_sim.stats.by_route[LIST] == 2


async def test_two_guids_the_other_way_round_for_a_definition_made_since(
    arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """RUN IMPORT for an import missing from a complete list: the other order is not tried
    while the list is younger than 30 s (one request: the run read); older, the list is read
    again, as for names, and the run found the other way round."""
    new_import, new_run = "NW1DEFQ8ZT4KD6RX2MBA", "NR1RUNQ8ZT4KD6RX2MBA"
    async with open_arena(arena_sim.url) as arena:
        definitions = Definitions(arena, clock=lambda: fake_clock().timestamp())
        await definitions.all()
        arena_sim.add_import({"guid": new_import, "number": 9, "name": "Supplier load"})
        arena_sim.add_run(new_import, {"guid": new_run, "number": 1, "status": "COMPLETE"})
        before = arena_sim.stats.requests
        with pytest.raises(ArenaNotFound):
            await browse.either_way(definitions, new_run, new_import, arena.get_run)
        assert arena_sim.stats.requests == before + 1
        fake_clock.advance(REFRESH_AFTER + 1)
        run, swapped = await browse.either_way(definitions, new_run, new_import, arena.get_run)
        assert (run.guid, swapped) == (new_run, True)
        assert arena_sim.stats.by_route[LIST] == 2


async def test_a_card_without_a_name_when_arena_does_not_know_it(arena_sim: ArenaSimulator) -> None:
    """An import missing from a complete list has no name: the card keeps its old header."""
    async with open_arena(arena_sim.url) as arena:
        definitions = Definitions(arena)
        assert await definitions.name_of("ZZZZZZZZZZZZZZZZZZZ1") is None
        arena_sim.set_quota(0)
        stale = Definitions(arena)
        assert await stale.name_of(SEED_IMPORT_GUID) is None  # quota spent: no name, no error


async def test_newest_runs_are_read_again_after_a_minute(
    arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """Each import's newest run: one runs read, kept a minute; a run started since shows after
    it; a read that failed is not kept."""
    async with open_arena(arena_sim.url) as arena:
        definitions = Definitions(arena, clock=lambda: fake_clock().timestamp())
        both = [d for d in await definitions.all() if d.guid in (SEED_IMPORT_GUID, BOM_IMPORT_GUID)]
        first = await definitions.newest_runs(both)
        assert [getattr(r, "number", None) for r in first] == [16, 2]
        assert arena_sim.stats.by_route[RUNS] == 2

        arena_sim.add_run(BOM_IMPORT_GUID, {"guid": "B7NEWRUNQ8ZT4KD6RX2M", "status": "RUNNING"})
        again = await definitions.newest_runs(both)
        assert [getattr(r, "number", None) for r in again] == [16, 2]
        assert arena_sim.stats.by_route[RUNS] == 2

        fake_clock.advance(NEWEST_TTL + 1)
        arena_sim.fail_path(f"/imports/{SEED_IMPORT_GUID}/runs", 503)
        later = await definitions.newest_runs(both)
        assert isinstance(later[0], ArenaError)
        assert getattr(later[1], "number", None) == 3
        arena_sim.fail_path(f"/imports/{SEED_IMPORT_GUID}/runs", None)
        recovered = await definitions.newest_runs(both)
        assert getattr(recovered[0], "number", None) == 16
        assert getattr(recovered[1], "number", None) == 3
