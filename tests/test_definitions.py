"""The cached definitions list: names for cards and commands without a request each time."""

from __future__ import annotations

from helpers_arena import open_arena

from bot.answer import names
from bot.answer.commands import ImportName
from bot.demo.seed import BOM_IMPORT_GUID, SEED_IMPORT_GUID
from bot.demo.simulator import ArenaSimulator, FakeClock
from bot.runs.definitions import TTL, Definitions

LIST = "GET /imports"


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


async def test_a_card_without_a_name_when_arena_does_not_know_it(arena_sim: ArenaSimulator) -> None:
    """An import missing from a complete list has no name: the card keeps its old header."""
    async with open_arena(arena_sim.url) as arena:
        definitions = Definitions(arena)
        assert await definitions.name_of("ZZZZZZZZZZZZZZZZZZZ1") is None
        arena_sim.set_quota(0)
        stale = Definitions(arena)
        assert await stale.name_of(SEED_IMPORT_GUID) is None  # quota spent: no name, no error
