"""`serve` on a database it cannot use: one sentence naming DATABASE_URL, exit code 2."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers_postgres import PostgresServer

from bot.watch.store import open_store
from support import BotProcess, bot_env, free_port


async def serve_once(workdir: Path, database_url: str) -> str:
    """Start `serve` on `database_url`; it must exit 2; what it printed."""
    env = bot_env(
        arena_url="http://127.0.0.1:9/v1",
        slack_url="http://127.0.0.1:9/api/",
        port=free_port(),
        workdir=workdir,
        DATABASE_URL=database_url,
    )
    bot = BotProcess(env, workdir)
    with pytest.raises(RuntimeError, match="serve exited 2"):
        await bot.start(timeout=15)
    out = bot.output()
    assert "Traceback" not in out
    [line] = [line for line in out.splitlines() if line.startswith("importrun-bot: ")]
    return line


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Paths nobody may write: immutable for root (chattr +i), else without write bits."""
    root = os.geteuid() == 0
    for path in paths:
        if root:
            subprocess.run(["chattr", "+i", str(path)], check=True)
        else:
            path.chmod(path.stat().st_mode & 0o555)
    try:
        yield
    finally:
        for path in paths:
            if root:
                subprocess.run(["chattr", "-i", str(path)], check=True)
            else:
                path.chmod(path.stat().st_mode | 0o200)


@pytest.mark.parametrize("folder_too", [False, True])
async def test_a_read_only_database_is_one_sentence_and_exit_2(
    tmp_path: Path, folder_too: bool
) -> None:
    """An existing database the bot may not write (the file, or the file and its folder)."""
    (tmp_path / "data").mkdir()
    url = f"sqlite:///{tmp_path / 'data' / 'bot.db'}"
    store = await open_store(url)
    await store.close()
    locked = [tmp_path / "data" / "bot.db", *([tmp_path / "data"] if folder_too else [])]
    await asyncio.to_thread(lambda: [p.unlink() for p in (tmp_path / "data").glob("bot.db-*")])
    with read_only(*locked):
        said = await serve_once(tmp_path, url)
    path = tmp_path / "data" / "bot.db"
    assert said.startswith(f"importrun-bot: DATABASE_URL: the SQLite file {path} cannot be written")
    assert said.endswith("; give the bot write access to the file and its folder.")


async def test_a_database_that_cannot_be_made_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    """The folder of the file is a file: nothing can be created there."""
    (tmp_path / "blocker").write_text("a file, not a folder")
    said = await serve_once(tmp_path, f"sqlite:///{tmp_path / 'blocker' / 'bot.db'}")
    assert said.startswith(
        f"importrun-bot: DATABASE_URL: the SQLite file {tmp_path / 'blocker' / 'bot.db'} cannot "
        "be opened"
    )


async def test_a_missing_postgresql_database_is_one_sentence_and_exit_2(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    """A database name the server does not have: the sentence says so, the password hidden."""
    url = postgres.url.replace("postgres@", "postgres:pw-secret@").rsplit("/", 1)[0]
    said = await serve_once(tmp_path, url + "/no_such_database")
    assert said.startswith("importrun-bot: DATABASE_URL: PostgreSQL at postgresql://postgres:***@")
    assert 'database "no_such_database" does not exist' in said
    assert "pw-secret" not in said
