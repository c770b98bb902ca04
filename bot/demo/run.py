"""`importrun-bot demo`: the simulator, a local Slack, the app itself, and the console."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

import bot
from bot.demo.activity import keep_starting_runs
from bot.demo.console import PROMPT, Console
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackStub
from bot.demo.terminal import is_terminal, line_reader
from bot.demo.workspace import add_demo_definitions, first_screen
from bot.settings import Settings

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 25.0
SOURCE_ROOT = Path(bot.__file__).resolve().parent.parent


class DemoFailed(Exception):
    """The demo could not start; the message says why."""


class AppProcess:
    """`importrun-bot serve` in a child process: the very code that runs in production."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.url = f"http://{env['HOST']}:{env['PORT']}"
        self.log = workdir / "app.log"
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start it and wait until `GET /healthz` answers."""
        with self.log.open("ab") as log:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "serve",
                cwd=self.workdir,  # no .env of the person's own is read
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # Ctrl-C reaches the demo, which stops the app itself
            )
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
        async with httpx.AsyncClient(timeout=2) as http:
            while asyncio.get_running_loop().time() < deadline:
                if self._proc.returncode is not None:
                    break
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise DemoFailed(f"The app did not start; its log:\n{self.log.read_text()}")

    async def stop(self) -> int | None:
        """SIGTERM (a graceful stop with Arena logout), SIGKILL if it takes too long."""
        proc = self._proc
        if proc is None:
            return None
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        return proc.returncode


def app_env(
    simulator: ArenaSimulator, slack: SlackStub, secret: str, workdir: Path
) -> dict[str, str]:
    """The app's environment: the person's own settings removed, the demo's put in."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SOURCE_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.update(
        SLACK_BOT_TOKEN=slack.token,
        SLACK_SIGNING_SECRET=secret,
        SLACK_API_URL=slack.url,
        ARENA_API_URL=simulator.url,
        ARENA_EMAIL=simulator.email,
        ARENA_PASSWORD=simulator.password,
        ARENA_WORKSPACE_ID=str(simulator.workspace_id),
        ARENA_WEB_URL=simulator.web_url,
        HOST="127.0.0.1",
        PORT=str(_free_port()),
        DATABASE_URL=f"sqlite:///{workdir / 'demo.db'}",
        POLL_INTERVAL_SECONDS="5",
        POLL_MAX_INTERVAL_SECONDS="10",
        LOG_LEVEL="INFO",
    )
    return env


@dataclass(frozen=True)
class DemoWorld:
    """What the console talks to: the simulated Arena, the local Slack, the app."""

    simulator: ArenaSimulator
    slack: SlackStub
    app: AppProcess
    signing_secret: str


@contextlib.asynccontextmanager
async def demo_world(workdir: Path) -> AsyncIterator[DemoWorld]:
    """Start the simulator (own credentials), the Slack stub (own token) and the app; stop all."""
    simulator = ArenaSimulator(password=secrets.token_urlsafe(12))
    add_demo_definitions(simulator)
    slack = SlackStub(token=f"xoxb-demo-{secrets.token_hex(12)}")
    secret = secrets.token_hex(16)
    await simulator.start()
    activity = asyncio.create_task(keep_starting_runs(simulator))
    try:
        await slack.start()
        app = AppProcess(app_env(simulator, slack, secret, workdir), workdir)
        try:
            await app.start()
            yield DemoWorld(simulator, slack, app, secret)
        finally:
            await app.stop()
            await slack.stop()
    finally:
        activity.cancel()
        await simulator.stop()


async def run_demo(stdin: int, out: TextIO) -> int:
    """The whole demo, until `exit` or the end of input; 0 when everything stopped cleanly."""
    with tempfile.TemporaryDirectory(prefix="importrun-demo-") as tmp:
        try:
            return await _run(Path(tmp), stdin, out)
        except DemoFailed as exc:
            print(exc, file=out)
            return 1


async def _run(workdir: Path, stdin: int, out: TextIO) -> int:
    async with demo_world(workdir) as world:
        await _console(world, stdin, out)
        code = await world.app.stop()
        if code != 0:
            raise DemoFailed(
                f"The app stopped with exit code {code}; its log:\n{world.app.log.read_text()}"
            )
    return 0


async def _console(world: DemoWorld, stdin: int, out: TextIO) -> None:
    print(first_screen(world.simulator, app_url=world.app.url), file=out, flush=True)
    async with httpx.AsyncClient(timeout=30) as http:
        events = SlackEvents(http, f"{world.app.url}/slack/events", world.signing_secret)
        console = Console(world.slack, events, out, interactive=is_terminal(stdin))
        lines = line_reader(stdin, PROMPT)
        lines.start()
        try:
            await console.run(lines)
        finally:
            lines.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
