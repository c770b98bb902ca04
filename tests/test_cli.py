"""`show`, `post` and `check` as real processes against the Arena simulator and the Slack stub."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from bot_world import everything, running_world
from helpers_arena import FAR_IMPORT_GUID, FAR_RUN_GUID, open_arena, past_the_first_page
from slack_sdk.models.blocks import Block, HeaderBlock

from bot.cli.main import main
from bot.cli.waiting import seconds
from bot.demo.seed import (
    BOM_FAILED_RUN_GUID,
    BOM_IMPORT_GUID,
    RUNNING_RUN_GUID,
    SEED_IMPORT_GUID,
    SEED_RUN_GUID,
)
from bot.demo.simulator import ArenaSimulator, RunTimeline
from bot.demo.slack_stub import SlackStub
from bot.watch.shared_session import StoredSession, session_account
from bot.watch.store import open_store
from support import bot_env, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANNEL = "C0CIJOBS01"
LATE_RUN_GUID = "L8TQ2WX4NZ7KD3RM9BPC"


@dataclass
class Result:
    """What a command printed and how it ended."""

    code: int
    out: str
    err: str


@dataclass
class World:
    """The simulator and the Slack stub the commands are pointed at."""

    arena: ArenaSimulator
    slack: SlackStub
    workdir: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The settings of a bot pointed at this world, plus `extra`."""
        settings = bot_env(
            arena_url=self.arena.url,
            slack_url=self.slack.url,
            port=free_port(),
            workdir=self.workdir,
        )
        return settings | {"PYTHONIOENCODING": "utf-8"} | extra

    async def run(self, *args: str, **env: str) -> Result:
        """`importrun-bot ARGS` (its `main()`, in a worker thread) with the world's settings."""
        return await asyncio.to_thread(_main, list(args), self.env(**env), self.workdir)

    async def process(self, *args: str, **env: str) -> Result:
        """`python -m bot ARGS` as a real process; waits for it to end."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=self.workdir,
            env=self.env(**env),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode is not None
        return Result(proc.returncode, out.decode(), err.decode())


def _main(argv: list[str], env: dict[str, str], cwd: Path) -> Result:
    """Run `main(argv)` as the process would: its environment, working directory, streams."""
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        root.setLevel(saved_level)
        root.handlers[:] = saved_handlers
    return Result(code, out.getvalue(), err.getvalue())


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """A seeded simulator on the real clock and a Slack stub, for the module."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    yield World(arena, slack, tmp_path_factory.mktemp("cli"))
    await slack.stop()
    await arena.stop()


def posts(world: World) -> list[dict[str, object]]:
    """The bodies of chat.postMessage calls to the CI channel."""
    return [
        c.body for c in world.slack.calls_to("chat.postMessage") if c.body["channel"] == CHANNEL
    ]


async def test_show_prints_the_card_as_text(world: World) -> None:
    """`show` prints the card readably: header, figures, change order, no mrkdwn."""
    result = await world.run("show", SEED_IMPORT_GUID, SEED_RUN_GUID.lower())
    assert result.code == 0, result.err
    assert result.out.startswith("⚠️ Item Master load · run #14 · COMPLETE\n")
    for figure in ("Rows: 134,881", "Failed: 19 (0.01 %)", "ECO-002114"):
        assert figure in result.out
    assert "*" not in result.out


async def test_show_json_is_valid_block_kit(world: World) -> None:
    """`show --json` prints `{"blocks": [...]}` that slack_sdk's Block Kit models accept."""
    url = f"https://app.bom.com/imports/{SEED_IMPORT_GUID}/runs/{SEED_RUN_GUID}"
    result = await world.run("show", url, "--json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert list(payload) == ["blocks"]
    blocks = [Block.parse(block) for block in payload["blocks"]]
    for block in blocks:
        assert block is not None
        block.validate_json()
    assert isinstance(blocks[0], HeaderBlock)
    assert "134,881" in result.out


async def test_show_bad_guid_is_a_usage_error(world: World) -> None:
    """A malformed GUID: one sentence, exit code 2, and no request to Arena."""
    before = world.arena.stats.requests
    result = await world.run("show", SEED_IMPORT_GUID, "NOT-A-GUID")
    assert result.code == 2
    assert "not a valid run GUID" in result.err
    assert "Traceback" not in result.err
    assert world.arena.stats.requests == before


@pytest.mark.parametrize(
    ("args", "short"),
    [
        (("IM4QX7N2BK9D3WZTRH5", "x"), "IM4QX7N2BK9D3WZTRH5"),
        (("IMQXNBKDWZTRHABCDEF", "latest"), "IMQXNBKDWZTRHABCDEF"),
    ],
)
async def test_show_a_guid_one_character_short(
    world: World, args: tuple[str, ...], short: str
) -> None:
    """The real command: a GUID copied one character short is said to be one, exit code 2,
    whether it holds a digit or is only like a name no definition has."""
    result = await world.process("show", *args)
    assert result.code == 2
    assert result.err.startswith(
        f"importrun-bot: “{short}” looks like an import GUID but has 19 characters, and "
        "Arena's have 20: copy it again from the address of the run's page in Arena."
    )
    assert "Traceback" not in result.err


async def test_post_wait_posts_once_after_the_run_finishes(world: World) -> None:
    """`post --wait` polls while the run is RUNNING and posts its card once, finished."""
    world.arena.add_run(
        SEED_IMPORT_GUID,
        {"guid": LATE_RUN_GUID, "status": "COMPLETE", "totalCount": 900, "successCount": 900},
        timeline=RunTimeline(running_after=0.0, finished_after=2.0),
    )
    before = world.arena.stats.by_route.copy()
    result = await world.run(
        "post", SEED_IMPORT_GUID, LATE_RUN_GUID, "--channel", CHANNEL, "--wait",
        POLL_INTERVAL_SECONDS="0.5", POLL_MAX_INTERVAL_SECONDS="0.75",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "is RUNNING; next check in 0.5 s" in result.out
    assert f"to {CHANNEL}" in result.out
    note, posted = posts(world)
    assert str(note["text"]).startswith("⏳ Waiting for Item Master load · run #17 · RUNNING")
    assert [c.body["ts"] for c in world.slack.calls_to("chat.delete")] == [
        world.slack.calls_to("chat.postMessage")[-2].answer["ts"]
    ]
    assert "COMPLETE" in str(posted["text"])
    assert "Item Master load · run #17 · COMPLETE" in json.dumps(
        posted["blocks"], ensure_ascii=False
    )
    polled = sum((world.arena.stats.by_route - before).values())
    assert polled >= 3  # the first look, at least one poll while running, the finished run


async def test_post_wait_gives_up_at_the_timeout(world: World) -> None:
    """A run still running at `--timeout`: nothing posted, exit 1, a sentence saying so."""
    before = len(posts(world))
    result = await world.run(
        "post", SEED_IMPORT_GUID, RUNNING_RUN_GUID, "--channel", CHANNEL, "--wait",
        "--timeout", "1", POLL_INTERVAL_SECONDS="0.5",
    )  # fmt: skip
    assert result.code == 1
    assert "was still RUNNING after 1 s; nothing was posted" in result.err
    assert len(posts(world)) == before + 1  # the waiting note, removed again
    assert (
        world.slack.calls_to("chat.delete")[-1].body["ts"]
        == (world.slack.calls_to("chat.postMessage")[-1].answer["ts"])
    )


async def test_post_wait_slows_down_when_the_quota_is_scarce(world: World) -> None:
    """Like the poller, `--wait` polls four times slower with few Arena requests left."""
    world.arena.set_quota(900)
    try:
        result = await world.run(
            "post", SEED_IMPORT_GUID, RUNNING_RUN_GUID, "--channel", CHANNEL, "--wait",
            "--timeout", "3", POLL_INTERVAL_SECONDS="0.5", ARENA_QUOTA_RESERVE="200",
        )  # fmt: skip
    finally:
        world.arena.set_quota(10_000)
    assert result.code == 1
    assert "next check in 2 s (Arena quota: slowed ×4" in result.out


async def test_post_fail_on_errors(world: World) -> None:
    """`--fail-on-errors` posts the card and still exits 3 when the run had failed rows."""
    before = len(posts(world))
    result = await world.run(
        "post", BOM_IMPORT_GUID, BOM_FAILED_RUN_GUID, "--channel", CHANNEL, "--fail-on-errors"
    )
    assert result.code == 3
    assert "The run had 14 failed rows" in result.err
    assert len(posts(world)) == before + 1


async def test_post_where_the_bot_is_not_invited(world: World) -> None:
    """Slack's not_in_channel becomes a sentence on how to fix it, and exit code 1."""
    world.slack.fail("chat.postMessage", "not_in_channel")
    result = await world.run("post", SEED_IMPORT_GUID, SEED_RUN_GUID, "--channel", CHANNEL)
    assert result.code == 1
    assert f"the bot is not a member of {CHANNEL}; invite it with /invite @importrun" in result.err


async def test_check_all_in_order(world: World) -> None:
    """`check` logs in, reads the definitions and the quota, and calls auth.test."""
    result = await world.run("check")
    assert result.code == 0, result.out + result.err
    assert "ok      Arena: logged in as integration@example.com" in result.out
    assert (
        "ok      Arena: the user sees 2 import definition(s): Item Master load (#3), BOM load (#4)."
        in result.out
    )
    assert "requests left today" in result.out
    assert "ok      Slack: auth.test accepts the bot token" in result.out
    assert world.slack.calls_to("auth.test")


async def test_check_wrong_arena_password(world: World) -> None:
    """A wrong password: one clear line naming the settings, exit code 2, no secret shown."""
    result = await world.process("check", ARENA_PASSWORD="not-the-password")
    assert result.code == 2
    problems = [line for line in result.out.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1
    assert "ARENA_EMAIL, ARENA_PASSWORD or ARENA_WORKSPACE_ID is wrong" in problems[0]
    assert "Arena refused the login" in problems[0]
    assert "not-the-password" not in result.out + result.err
    assert "Traceback" not in result.err


async def test_check_names_each_missing_setting(world: World) -> None:
    """With nothing configured, each missing setting has its own line; exit code 2."""
    result = await world.run(
        "check", ARENA_EMAIL="", ARENA_PASSWORD="", SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET=""
    )
    assert result.code == 2
    for name in ("ARENA_EMAIL", "ARENA_PASSWORD", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        assert sum(line.startswith(f"PROBLEM {name} ") for line in result.out.splitlines()) == 1


async def test_check_arena_unreachable(world: World) -> None:
    """Arena not answering at all is exit code 1, naming ARENA_API_URL."""
    result = await world.run("check", ARENA_API_URL=f"http://127.0.0.1:{free_port()}/v1")
    assert result.code == 1
    assert "PROBLEM ARENA_API_URL: Arena could not be reached" in result.out


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (("Item Master load", "14"), "⚠️ Item Master load · run #14 · COMPLETE"),
        (("master", "#14"), "⚠️ Item Master load · run #14 · COMPLETE"),
        (("BOM load", "latest"), "⚠️ BOM load · run #2 · COMPLETE"),
        (
            (f"https://app.bom.com/x?import={BOM_IMPORT_GUID}&run={BOM_FAILED_RUN_GUID}",),
            "⚠️ BOM load · run #2",
        ),
    ],
)
async def test_show_takes_the_slash_commands_grammar(
    world: World, args: tuple[str, ...], header: str
) -> None:
    """Names, numbers, `latest` and links work as in Slack."""
    result = await world.run("show", *args)
    assert result.code == 0, result.err
    assert result.out.startswith(header)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("load", "latest"), "Several import definitions match “load”: “Item Master load”"),
        (("Widgets", "latest"), "No import definition the bot can see is named like “Widgets”"),
        (("BOM load",), "Give the run"),
    ],
)
async def test_show_names_that_do_not_fit_are_usage_errors(
    world: World, args: tuple[str, ...], says: str
) -> None:
    """A name matching several imports or none, or no run: exit 2 with one sentence."""
    result = await world.run("show", *args)
    assert result.code == 2
    assert says in result.err
    assert "Traceback" not in result.err


async def test_show_an_unknown_name_says_what_slack_says(world: World) -> None:
    """The sentence `/importrun` gives, as plain text, with the command line's way to see the
    names: `check` names them."""
    result = await world.run("show", "BOM laod", "latest")
    assert (result.code, result.err) == (
        2,
        "importrun-bot: No import definition the bot can see is named like “BOM laod”. "
        "Did you mean “BOM load”? importrun-bot check names up to ten of them.\n",
    )
    check = await world.run("check")
    assert "import definition(s): Item Master load (#3), BOM load (#4)" in check.out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("master", "99"), "Import “Item Master load” has no run #99."),
        (("Item Master load", "99"), "Import “Item Master load” has no run #99."),
        ((SEED_IMPORT_GUID, "99"), f"Import {SEED_IMPORT_GUID} has no run #99."),
    ],
)
async def test_show_a_run_number_that_does_not_exist(
    world: World, args: tuple[str, ...], says: str
) -> None:
    """The sentence `/importrun` gives, naming the import as the person did."""
    result = await world.run("show", *args)
    assert (result.code, result.err) == (1, f"importrun-bot: {says}\n")


async def test_show_two_guids_the_other_way_round(world: World) -> None:
    """RUN IMPORT: the card all the same, and on stderr the hint `/importrun` gives."""
    before = world.arena.stats.requests
    result = await world.run("show", SEED_RUN_GUID, SEED_IMPORT_GUID)
    assert result.code == 0, result.err
    assert result.out.startswith("⚠️ Item Master load · run #14 · COMPLETE")
    assert result.err == (
        "importrun-bot: The import comes first: "
        f"importrun-bot show {SEED_IMPORT_GUID} {SEED_RUN_GUID}.\n"
    )
    # The run read each way, the definitions list, the run's change order, the logout.
    assert world.arena.stats.requests == before + 5


async def test_show_the_other_way_round_past_the_first_page(world: World) -> None:
    """In a workspace of more definitions than one `GET /imports` page, RUN IMPORT is tried the
    other way round too (before: only when the import was on the first page)."""
    async with ArenaSimulator() as big:
        past_the_first_page(big)
        result = await World(big, world.slack, world.workdir).run(
            "show", FAR_RUN_GUID, FAR_IMPORT_GUID
        )
        # The run read each way, the list (its first page), the far import's name, the logout.
        assert big.stats.requests == 5
    assert result.code == 0, result.err
    assert result.out.startswith("✅ Far load · run #1 · COMPLETE")
    assert result.err == (
        f"importrun-bot: The import comes first: importrun-bot show {FAR_IMPORT_GUID} "
        f"{FAR_RUN_GUID}.\n"
    )


async def test_a_wrong_arena_password_is_exit_2_everywhere(world: World) -> None:
    """show, post and check agree: a refused Arena login is a wrong setting."""
    for args in (
        ("show", SEED_IMPORT_GUID, SEED_RUN_GUID),
        ("post", SEED_IMPORT_GUID, SEED_RUN_GUID, "--channel", CHANNEL),
        ("check",),
    ):
        result = await world.run(*args, ARENA_PASSWORD="not-the-password")
        assert result.code == 2, (args, result.out, result.err)


async def test_check_lists_every_wrong_setting_on_its_own_line(world: World) -> None:
    """Unreadable values: a PROBLEM line each on stdout, exit 2; the missing settings are named
    in the same run, not only once the unreadable ones are fixed."""
    result = await world.process(
        "check", PORT="99999", POLL_INTERVAL_SECONDS="abc", ARENA_EMAIL="", SLACK_BOT_TOKEN=""
    )
    assert result.code == 2
    problems = [line for line in result.out.splitlines() if line.startswith("PROBLEM")]
    assert [line.split(":")[0].split()[1] for line in problems] == [
        "PORT",
        "POLL_INTERVAL_SECONDS",
        "ARENA_EMAIL",
        "SLACK_BOT_TOKEN",
    ]
    assert (
        "PROBLEM SLACK_BOT_TOKEN is missing: the bot token xoxb-… from the Slack app." in problems
    )
    assert result.out.splitlines()[-1].startswith("4 problems: fix the settings named above")
    assert result.err == ""


async def test_check_says_an_unreadable_workspace_id_once(world: World) -> None:
    """ARENA_WORKSPACE_ID=abc is a PROBLEM, not also the note that it is not set."""
    result = await world.run("check", ARENA_WORKSPACE_ID="abc")
    assert result.code == 2
    assert "PROBLEM ARENA_WORKSPACE_ID: Input should be a valid integer" in result.out
    assert "ARENA_WORKSPACE_ID is not set" not in result.out


async def test_serve_names_every_missing_setting_at_once(world: World) -> None:
    """`serve` with nothing configured names all four settings in one sentence."""
    result = await world.run(
        "serve", ARENA_EMAIL="", ARENA_PASSWORD="", SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET=""
    )
    assert (result.code, result.err) == (
        2,
        "importrun-bot: The settings are missing: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, "
        "ARENA_EMAIL, ARENA_PASSWORD. Set them in the environment or in .env (see .env.example).\n",
    )
    one = await world.run("serve", ARENA_PASSWORD="")
    assert (one.code, one.err) == (
        2,
        "importrun-bot: The setting is missing: ARENA_PASSWORD. Set it in the environment or "
        "in .env (see .env.example).\n",
    )


async def test_show_and_post_name_every_problem_at_once(world: World) -> None:
    """`post` with no Slack token and no Arena password names both (it named the token, then
    the password after a fix); `show` with an unreadable PORT names the password too."""
    posted = await world.run(
        "post", SEED_IMPORT_GUID, "latest", "--channel", CHANNEL,
        SLACK_BOT_TOKEN="", ARENA_PASSWORD="",
    )  # fmt: skip
    assert (posted.code, posted.err) == (
        2,
        "importrun-bot: The settings are missing: SLACK_BOT_TOKEN, ARENA_PASSWORD. "
        "Set them in the environment or in .env (see .env.example).\n",
    )
    shown = await world.run("show", SEED_IMPORT_GUID, "latest", PORT="99999", ARENA_PASSWORD="")
    assert shown.code == 2
    assert shown.err.startswith("importrun-bot: PORT: Input should be less than or equal to 65535")
    assert "The setting is missing: ARENA_PASSWORD." in shown.err


async def test_post_wait_checks_slack_before_waiting(world: World) -> None:
    """A token Slack refuses ends `post --wait` at once (exit 2), before any wait."""
    result = await world.run(
        "post", SEED_IMPORT_GUID, RUNNING_RUN_GUID, "--channel", CHANNEL, "--wait",
        "--timeout", "600", SLACK_BOT_TOKEN="xoxb-wrong",
    )  # fmt: skip
    assert result.code == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.err
    assert "next check" not in result.out


async def test_times_are_printed_rounded() -> None:
    """Waits read as people say them."""
    assert [seconds(s) for s in (25.3125, 2.0, 0.5, 1.25)] == ["25", "2", "0.5", "1.2"]


async def test_check_uses_the_session_a_running_bot_stored(world: World) -> None:
    """With a session in DATABASE_URL, `check` logs in not at all (the running bot keeps its
    session) and says so; the session is still there afterwards."""
    url = f"sqlite:///{world.workdir / 'shared-session.db'}"
    env = world.env(DATABASE_URL=url)
    store = await open_store(url)
    try:
        account = session_account(env["ARENA_EMAIL"], env["ARENA_API_URL"], 123456789)
        async with open_arena(world.arena.url, keeper=StoredSession(store, account)) as bot:
            await bot.login()
            token = await store.arena_token(account)
            logins, logouts = world.arena.stats.logins, world.arena.stats.logouts

            result = await world.run("check", DATABASE_URL=url)
            assert result.code == 0, result.out + result.err
            assert "with the session stored in DATABASE_URL" in result.out
            assert "ok      Arena: the user sees 2 import definition(s):" in result.out
            assert (world.arena.stats.logins, world.arena.stats.logouts) == (logins, logouts)
            assert await store.arena_token(account) == token
            await bot.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)  # still signed in
            assert world.arena.stats.logins == logins
    finally:
        await store.close()


async def test_check_names_a_database_it_cannot_open(world: World) -> None:
    """An unusable DATABASE_URL is one PROBLEM line; Arena is still checked (by a login)."""
    result = await world.run(
        "check", DATABASE_URL=f"postgresql://bot:pw@127.0.0.1:{free_port()}/importrun"
    )
    assert result.code == 2
    [problem] = [line for line in result.out.splitlines() if line.startswith("PROBLEM")]
    assert problem.startswith("PROBLEM DATABASE_URL: PostgreSQL at postgresql://bot:***@")
    assert "ok      Arena: logged in as" in result.out


async def test_check_finds_a_sqlite_file_serve_could_not_create(world: World) -> None:
    """A SQLite file that does not exist yet, in a folder that cannot be made (its parent is a
    file): `check` says what `serve` would say at its start, exit 2, and creates nothing."""
    plain = world.workdir / "plain-file"
    plain.write_text("not a folder")
    result = await world.run("check", DATABASE_URL=f"sqlite:///{plain}/sub/bot.db")
    assert result.code == 2, result.out
    [problem] = [line for line in result.out.splitlines() if line.startswith("PROBLEM")]
    assert problem == (
        f"PROBLEM DATABASE_URL: the SQLite file {plain}/sub/bot.db cannot be opened ([Errno 20] "
        f"Not a directory: '{plain}'); check that its folder exists or can be created and that "
        "the bot may write there."
    )
    assert plain.read_text() == "not a folder"


async def test_check_finds_a_database_path_that_is_a_folder(world: World) -> None:
    """DATABASE_URL naming a folder (a volume's mount point, say): `serve` cannot open it, so
    `check` must not call it a file serve will create."""
    folder = world.workdir / "data-volume"
    folder.mkdir()
    result = await world.run("check", DATABASE_URL=f"sqlite:///{folder}")
    assert result.code == 2, result.out
    [problem] = [line for line in result.out.splitlines() if line.startswith("PROBLEM")]
    assert problem.startswith(f"PROBLEM DATABASE_URL: the SQLite file {folder} cannot be opened")
    assert "serve will create it" not in result.out
    assert list(folder.iterdir()) == []


async def test_check_reports_the_database_and_leaves_no_new_file(world: World) -> None:
    """A SQLite file still to be made is said to be, and is not made; an existing one opens."""
    fresh = world.workdir / "not-yet" / "bot.db"
    result = await world.run("check", DATABASE_URL=f"sqlite:///{fresh}")
    assert result.code == 0, result.out
    assert (
        f"ok      Database: sqlite:///{fresh} does not exist yet; serve will create it there."
        in result.out
    )
    assert not fresh.parent.exists()

    await (await open_store(f"sqlite:///{fresh}")).close()
    result = await world.run("check", DATABASE_URL=f"sqlite:///{fresh}")
    assert result.code == 0, result.out
    assert (
        f"ok      Database: sqlite:///{fresh} opens, its schema is up to date and it can be "
        "written." in result.out
    )


async def test_check_asks_slack_for_a_socket_mode_url_with_the_app_token(world: World) -> None:
    """Socket Mode: the app-level token is tried with apps.connections.open, not only its
    prefix; a refused one is one PROBLEM sentence and exit code 2."""
    good = await world.run("check", SLACK_APP_TOKEN=world.slack.socket.app_token)
    assert good.code == 0, good.out
    assert "ok      Slack: apps.connections.open accepts the app-level token" in good.out

    refused = await world.run("check", SLACK_APP_TOKEN="xapp-1-revoked-token")
    assert refused.code == 2
    [problem] = [line for line in refused.out.splitlines() if line.startswith("PROBLEM")]
    assert problem == (
        "PROBLEM SLACK_APP_TOKEN: Slack refused the app-level token (invalid_auth); use the "
        "xapp-… token with the connections:write scope from the app's Basic Information page."
    )
    assert "xapp-1-revoked-token" not in refused.out


async def test_show_and_post_beside_a_running_bot_leave_its_arena_session(tmp_path: Path) -> None:
    """`show` and `post` on the bot's own settings use the session it keeps in DATABASE_URL:
    no login that cancels the bot's session, no logout that ends it; the bot answers on."""
    async with running_world(tmp_path) as running:
        stats = running.arena.stats
        assert (stats.logins, stats.logouts) == (1, 0)  # the bot's login at start
        for args in (
            ("show", "master", "14"),
            ("post", "Item Master load", "latest", "--channel", CHANNEL),
        ):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                *args,
                cwd=tmp_path,
                env=running.bot.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
            assert proc.returncode == 0, (args, out, err)
        assert (stats.logins, stats.logouts) == (1, 0)

        response = await running.events.slash_command(
            "master 13", response_url=running.slack.response_url("after")
        )
        assert response.status_code == 200
        assert "run #13" in everything((await running.slack.response("after")).body)
        assert (stats.logins, stats.logouts) == (1, 0)
        assert "logging in again" not in running.bot.output()


async def test_a_wrong_arena_password_is_one_sentence_and_no_log_line(world: World) -> None:
    """As real processes: show and post say the refused login in one line on stderr (not also
    the serve-minded "no new login attempt for 60 s" log line); check says it on stdout."""
    for args in (
        ("show", SEED_IMPORT_GUID, SEED_RUN_GUID),
        ("post", SEED_IMPORT_GUID, SEED_RUN_GUID, "--channel", CHANNEL),
    ):
        result = await world.process(*args, ARENA_PASSWORD="not-the-password")
        assert result.code == 2
        assert result.err.startswith("importrun-bot: The bot could not sign in to Arena")
        assert len(result.err.strip().splitlines()) == 1, result.err
    checked = await world.process("check", ARENA_PASSWORD="not-the-password")
    assert checked.code == 2
    assert "PROBLEM ARENA_EMAIL, ARENA_PASSWORD or ARENA_WORKSPACE_ID is wrong" in checked.out
    assert checked.err == ""


async def test_show_into_a_pipe_whose_reader_left_is_no_traceback(world: World) -> None:
    """`importrun-bot show … | head -1`: the reader is gone before the card is written."""
    read, write = os.pipe()
    os.close(read)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "show",
        "master",
        "14",
        cwd=world.workdir,
        env=world.env(),
        stdout=write,
        stderr=asyncio.subprocess.PIPE,
    )
    os.close(write)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 1
    assert err.decode() == ""


async def test_check_with_a_stored_session_that_ended_says_it_logged_in(world: World) -> None:
    """A bot stopped cleanly logs out, leaving its ended session stored: `check` logs in once,
    stores the new session and says so (before: "no new login, nobody logged out")."""
    url = f"sqlite:///{world.workdir / 'ended-session.db'}"
    env = world.env(DATABASE_URL=url)
    store = await open_store(url)
    try:
        account = session_account(env["ARENA_EMAIL"], env["ARENA_API_URL"], 123456789)
        async with open_arena(world.arena.url, keeper=StoredSession(store, account)) as bot:
            await bot.login()
        ended = await store.arena_token(account)  # the bot logged out on leaving
        logins = world.arena.stats.logins

        result = await world.run("check", DATABASE_URL=url)
        assert result.code == 0, result.out + result.err
        assert world.arena.stats.logins == logins + 1
        assert "no new login" not in result.out
        assert "the session stored in DATABASE_URL had ended" in result.out
        assert await store.arena_token(account) not in (None, ended)
    finally:
        await store.close()
